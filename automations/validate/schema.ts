/** The SSM Automation schema check (Ajv), with errors mapped to steps, parameters and fields. */
import { Ajv, type ErrorObject } from 'ajv';
import type { AutomationDocument } from '../document.js';
import { automationSchema } from '../schema.js';
import { isObject, type Problem } from './context.js';

let compiled: ReturnType<Ajv['compile']> | undefined;

/** Problems against the SSM Automation schema (`../schema.ts`), grouped per place in the document. */
export function schemaProblems(parsed: unknown, file: string): Problem[] {
  if (!compiled) {
    // unicodeRegExp off: the shipped schema's patterns are not valid with the u flag.
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    compiled = ajv.compile(automationSchema());
  }
  if (compiled(parsed)) return [];
  const byPath = new Map<string, ErrorObject[]>();
  for (const error of compiled.errors ?? []) {
    if (error.keyword === 'if') continue;
    const path = error.instancePath;
    byPath.set(path, [...(byPath.get(path) ?? []), error]);
  }
  const problems: Problem[] = [];
  for (const [path, errors] of byPath) {
    const segments = path.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const located = locate(parsed, segments);
    const details = [...new Set(errors.filter((e) => e.keyword !== 'oneOf').map(describeAjvError))];
    const message = errors.some((e) => e.keyword === 'oneOf')
      ? `does not match any allowed form (${details.join('; ')})`
      : details.join('; ');
    problems.push({ file, ...located, message: `schema: ${message}` });
  }
  return problems;
}

function describeAjvError(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'enum':
      return `${e.message} (expected one of ${(p['allowedValues'] as unknown[]).join(', ')})`;
    case 'additionalProperties':
      return `unknown property '${String(p['additionalProperty'])}'`;
    case 'required':
      return `missing required property '${String(p['missingProperty'])}'`;
    default:
      return e.message ?? e.keyword;
  }
}

/** Maps a JSON pointer into the document to a step / parameter and a dotted field. */
function locate(doc: unknown, segments: string[]): Pick<Problem, 'where' | 'field'> {
  if (segments[0] === 'mainSteps' && segments[1] !== undefined) {
    const step = Array.isArray((doc as AutomationDocument).mainSteps)
      ? (doc as AutomationDocument).mainSteps[Number(segments[1])]
      : undefined;
    const name = isObject(step) && typeof step.name === 'string' ? step.name : `#${Number(segments[1]) + 1}`;
    const field = segments.slice(2).join('.');
    return { where: { step: name }, ...(field ? { field } : {}) };
  }
  if (segments[0] === 'parameters' && segments[1] !== undefined) {
    const field = segments.slice(2).join('.');
    return { where: { parameter: segments[1] }, ...(field ? { field } : {}) };
  }
  return segments.length ? { field: segments.join('.') } : {};
}
