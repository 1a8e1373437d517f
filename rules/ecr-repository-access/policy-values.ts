/** Reading a parsed policy: its statements, its string values with their places, IAM wildcards. Pure. */

/** Every string value of the JSON with its path (array indices dropped: list members are interchangeable). */
export function strings(value: unknown, path: string, out: Array<[string, string]>): void {
  if (typeof value === 'string') out.push([path, value]);
  else if (Array.isArray(value)) for (const item of value) strings(item, path, out);
  else if (value && typeof value === 'object') for (const [key, child] of Object.entries(value)) strings(child, `${path}/${key}`, out);
}

/** Statements as a list (a policy may hold one statement object). */
export function statementsOf(policy: unknown): unknown[] {
  const statement = (policy as { Statement?: unknown } | null)?.Statement;
  return Array.isArray(statement) ? statement : statement === undefined ? [] : [statement];
}

/** A wildcard pattern (`*`, `?`, as IAM matches them) as a regular expression over a whole value. */
export const wildcard = (pattern: string, flags = ''): RegExp => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, flags);

/** A JSON object (not an array, not null). */
export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
/** A policy element that may be one value or a list of them, as a list. */
export const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);
