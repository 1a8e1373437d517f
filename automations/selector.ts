/**
 * The JSONPath subset SSM Automation uses in output `Selector`s and `PropertySelector`s:
 * `$`, `.name`, `['name']`, `[0]`, `[*]`, and recursive descent `..name`
 * (e.g. `$.repositories[0].imageTagMutability`, `$.Payload.Filters`, `$..VpcEndpointId`).
 * Paths with `[*]` or `..` select a list; others select one value or nothing.
 */
import { EcrGuardrailsError } from '../rules/kernel/errors.js';

/** One step of a selector path. */
export type Token =
  | { kind: 'property'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'wildcard' }
  | { kind: 'descend'; name: string };

/** A selector outside the JSONPath subset SSM accepts; the message says where and what was expected. */
export class SelectorSyntaxError extends EcrGuardrailsError {}

/** Tokens of a selector; throws SelectorSyntaxError when it is not in the subset above. */
export function parseSelector(selector: string): Token[] {
  if (!selector.startsWith('$')) throw new SelectorSyntaxError(`selector '${selector}' must start with '$'`);
  const tokens: Token[] = [];
  let i = 1;
  const name = (): string => {
    const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(selector.slice(i));
    if (!m) throw new SelectorSyntaxError(`selector '${selector}': expected a name at position ${i}`);
    i += m[0].length;
    return m[0];
  };
  while (i < selector.length) {
    if (selector.startsWith('..', i)) {
      i += 2;
      tokens.push({ kind: 'descend', name: name() });
    } else if (selector[i] === '.') {
      i += 1;
      tokens.push({ kind: 'property', name: name() });
    } else if (selector[i] === '[') {
      const m = /^\[(?:(\d+)|(\*)|'([^']+)'|"([^"]+)")\]/.exec(selector.slice(i));
      if (!m) throw new SelectorSyntaxError(`selector '${selector}': bad bracket at position ${i}`);
      i += m[0].length;
      if (m[1] !== undefined) tokens.push({ kind: 'index', index: Number(m[1]) });
      else if (m[2] !== undefined) tokens.push({ kind: 'wildcard' });
      else tokens.push({ kind: 'property', name: (m[3] ?? m[4])! });
    } else {
      throw new SelectorSyntaxError(`selector '${selector}': unexpected '${selector[i]}' at position ${i}`);
    }
  }
  return tokens;
}

/** True when the selector yields a list (it has `[*]` or `..`). */
export function selectsMany(tokens: readonly Token[]): boolean {
  return tokens.some((t) => t.kind === 'wildcard' || t.kind === 'descend');
}

/** Evaluates a selector against a JSON value. Returns undefined when nothing matches. */
export function select(value: unknown, selector: string): unknown {
  const tokens = parseSelector(selector);
  let current: unknown[] = [value];
  for (const token of tokens) {
    const next: unknown[] = [];
    for (const v of current) {
      switch (token.kind) {
        case 'property':
          if (isObject(v) && token.name in v) next.push(v[token.name]);
          break;
        case 'index':
          if (Array.isArray(v) && token.index < v.length) next.push(v[token.index]);
          break;
        case 'wildcard':
          if (Array.isArray(v)) next.push(...(v as unknown[]));
          else if (isObject(v)) next.push(...Object.values(v));
          break;
        case 'descend':
          descend(v, token.name, next);
          break;
      }
    }
    current = next;
  }
  if (selectsMany(tokens)) return current;
  return current[0];
}

function descend(v: unknown, name: string, out: unknown[]): void {
  if (Array.isArray(v)) {
    v.forEach((item) => descend(item, name, out));
  } else if (isObject(v)) {
    if (name in v) out.push(v[name]);
    Object.values(v).forEach((item) => descend(item, name, out));
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
