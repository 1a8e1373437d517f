/**
 * ECR-style wildcard filters: `*` matches any run of characters (including none); every
 * other character is literal. Used for tag exclusion filters and protected tag patterns.
 */
export function wildcardToRegExp(filter: string): RegExp {
  const escaped = filter.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\-]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`, 's');
}

/** Whether `value` matches an ECR-style wildcard filter (`*` any run of characters, everything else literal). */
export function matchesWildcard(filter: string, value: string): boolean {
  return wildcardToRegExp(filter).test(value);
}

/**
 * True when every tag that `narrower` matches is also matched by `broader`. Sound (never says
 * yes wrongly): `broader` must match `narrower`'s text literally. `broader`'s literal parts
 * hold no `*`, so each `*` of `narrower` is consumed by a `*` of `broader`, which then also
 * consumes whatever that `*` stands for. `dev-*` covers `dev-feature-*`; `dev-*` does not cover `*`.
 */
export function wildcardCovers(broader: string, narrower: string): boolean {
  return matchesWildcard(broader, narrower);
}
