/** API steps (executeAwsApi, assert/waitForAwsResourceProperty) checked against the SDK model. */
import type { Step } from '../document.js';
import { closest, findOperation, operationNames, serviceInfo, type Shape, UnknownServiceError } from '../sdk-model.js';
import { parseSelector, type Token } from '../selector.js';
import { isObject, stepProblem, type Context } from './context.js';

/** Inputs of API actions that are not API parameters. */
const NON_API_INPUTS = new Set(['Service', 'Api', 'PropertySelector', 'DesiredValues']);

/** An API step names a real operation, its real inputs (required ones present) and selectors that select something. */
export function checkApiStep(ctx: Context, step: Step): void {
  const inputs = step.inputs ?? {};
  const service = inputs['Service'];
  const api = inputs['Api'];
  if (typeof service !== 'string') return; // schema reports it
  if (typeof api !== 'string') {
    stepProblem(ctx, step.name, 'inputs.Api', 'missing (expected the PascalCase name of an API operation)');
    return;
  }
  try {
    serviceInfo(service);
  } catch (error) {
    stepProblem(ctx, step.name, 'inputs.Service', error instanceof UnknownServiceError ? error.message : String(error));
    return;
  }
  let operation;
  try {
    operation = findOperation(service, api);
  } catch (error) {
    stepProblem(ctx, step.name, 'inputs.Service', error instanceof Error ? error.message : String(error));
    return;
  }
  if (!operation) {
    const hint = closest(api, operationNames(service));
    stepProblem(ctx, step.name, 'inputs.Api', `'${api}' is not an operation of service '${service}' (expected a command of ${serviceInfo(service).sdkPackage}${hint ? `; did you mean '${hint}'?` : ''})`);
    return;
  }
  const input = operation.input;
  const members = input.kind === 'structure' ? input.members : new Map<string, () => Shape>();
  for (const key of Object.keys(inputs)) {
    if (NON_API_INPUTS.has(key)) continue;
    if (!members.has(key)) {
      const hint = closest(key, [...members.keys()]);
      stepProblem(ctx, step.name, `inputs.${key}`, `is not an input of ${service} ${api} (expected one of ${[...members.keys()].join(', ')}${hint ? `; did you mean '${hint}'?` : ''})`);
    }
  }
  if (input.kind === 'structure') {
    for (const required of input.required) {
      if (!(required in inputs)) stepProblem(ctx, step.name, `inputs.${required}`, `missing: ${service} ${api} requires it`);
    }
  }
  (step.outputs ?? []).forEach((out, i) => {
    if (isObject(out) && typeof out.Selector === 'string') {
      const message = selectorProblem(out.Selector, operation.output, `${service} ${api}`);
      if (message) stepProblem(ctx, step.name, `outputs[${i}].Selector`, message);
    }
  });
  if (typeof inputs['PropertySelector'] === 'string') {
    const message = selectorProblem(inputs['PropertySelector'], operation.output, `${service} ${api}`);
    if (message) stepProblem(ctx, step.name, 'inputs.PropertySelector', message);
  }
  if (step.action !== 'aws:executeAwsApi' && !Array.isArray(inputs['DesiredValues'])) {
    stepProblem(ctx, step.name, 'inputs.DesiredValues', 'is not a list (expected a list of accepted values)');
  }
}

/** Checks that a selector walks through members that exist in the response shape. */
export function selectorProblem(selector: string, shape: Shape, operation: string): string | undefined {
  let tokens: Token[];
  try {
    tokens = parseSelector(selector);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  let shapes: Shape[] = [shape];
  let path = '$';
  for (const token of tokens) {
    const next: Shape[] = [];
    for (const s of shapes) {
      if (token.kind === 'property') {
        if (s.kind === 'structure' && s.members.has(token.name)) next.push(s.members.get(token.name)!());
        else if (s.kind === 'map') next.push(s.value());
      } else if (token.kind === 'index' || token.kind === 'wildcard') {
        if (s.kind === 'list') next.push(s.member());
        else if (s.kind === 'map' && token.kind === 'wildcard') next.push(s.value());
      } else {
        next.push(...descendantMembers(s, token.name));
      }
    }
    const label = token.kind === 'property' ? `.${token.name}` : token.kind === 'descend' ? `..${token.name}` : token.kind === 'index' ? `[${token.index}]` : '[*]';
    if (!next.length) {
      const members = shapes.flatMap((s) => (s.kind === 'structure' ? [...s.members.keys()] : []));
      const what = token.kind === 'index' || token.kind === 'wildcard' ? 'is not a list' : `has no member '${token.kind === 'property' || token.kind === 'descend' ? token.name : ''}'`;
      return `selector '${selector}' selects nothing: ${path} ${what} in the ${operation} response${members.length ? ` (expected one of ${members.join(', ')})` : ''}`;
    }
    path += label;
    shapes = next;
  }
  return undefined;
}

function descendantMembers(shape: Shape, name: string, depth = 0, seen = new Set<string>()): Shape[] {
  if (depth > 12) return [];
  const found: Shape[] = [];
  if (shape.kind === 'structure') {
    if (seen.has(shape.name)) return [];
    seen.add(shape.name);
    for (const [member, resolve] of shape.members) {
      const child = resolve();
      if (member === name) found.push(child);
      found.push(...descendantMembers(child, name, depth + 1, seen));
    }
  } else if (shape.kind === 'list') {
    found.push(...descendantMembers(shape.member(), name, depth + 1, seen));
  } else if (shape.kind === 'map') {
    found.push(...descendantMembers(shape.value(), name, depth + 1, seen));
  }
  return found;
}
