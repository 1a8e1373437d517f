/**
 * Values in the test SSM interpreter: runbook parameters checked as StartAutomationExecution
 * checks them, {{ }} substitution, and step outputs selected and converted as SSM does.
 */
import { substituteString, type AutomationDocument, type ParameterDefinition, type StepOutput } from '../../../automations/document.js';
import { select } from '../../../automations/selector.js';
import { InvalidParameterError, StepFailure } from './errors.js';

export function resolveParameters(document: AutomationDocument, given: Record<string, unknown>): Record<string, unknown> {
  const definitions = document.parameters ?? {};
  for (const name of Object.keys(given)) {
    if (!(name in definitions)) throw new InvalidParameterError(`parameter '${name}' is not defined by the runbook`);
  }
  const resolved: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(definitions)) {
    const value = name in given ? given[name] : def.default;
    if (value === undefined) throw new InvalidParameterError(`parameter '${name}' is required`);
    checkParameter(name, def, value);
    resolved[name] = value;
  }
  return resolved;
}

export function checkParameter(name: string, def: ParameterDefinition, value: unknown): void {
  const values = def.type === 'StringList' ? value : [value];
  if (!Array.isArray(values)) throw new InvalidParameterError(`parameter '${name}' must be a list`);
  if (def.type === 'StringList' && def.maxItems !== undefined && values.length > def.maxItems) {
    throw new InvalidParameterError(`parameter '${name}' has ${values.length} items (max ${def.maxItems})`);
  }
  for (const v of values) {
    if ((def.type === 'String' || def.type === 'StringList') && typeof v !== 'string') {
      throw new InvalidParameterError(`parameter '${name}' must be ${def.type === 'String' ? 'a string' : 'a list of strings'}`);
    }
    if (def.allowedPattern && typeof v === 'string' && !new RegExp(def.allowedPattern).test(v)) {
      throw new InvalidParameterError(`parameter '${name}' value '${v}' does not match ${def.allowedPattern}`);
    }
    if (def.allowedValues && def.type !== 'StringList' && !def.allowedValues.includes(v)) {
      throw new InvalidParameterError(`parameter '${name}' value '${String(v)}' is not one of ${def.allowedValues.join(', ')}`);
    }
  }
}

export function substitute(value: unknown, lookup: (name: string) => unknown): unknown {
  if (typeof value === 'string') return substituteString(value, lookup);
  if (Array.isArray(value)) return value.map((v) => substitute(v, lookup));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, lookup)]));
  }
  return value;
}

export function extractOutputs(outputs: StepOutput[] | undefined, response: unknown): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const output of outputs ?? []) {
    const value = select(response, output.Selector);
    if (value === undefined) continue; // not produced; a later reference fails the referencing step
    values[output.Name] = convert(value, output.Type ?? 'String', output.Name);
  }
  return values;
}

/** SSM's output type conversions (docs: "Using action outputs as inputs"). */
export function convert(value: unknown, type: string, name: string): unknown {
  const single = Array.isArray(value) && value.length === 1 ? value[0] : value;
  switch (type) {
    case 'String':
      if (typeof single === 'string') return single;
      if (typeof single === 'number' || typeof single === 'boolean') return String(single);
      break;
    case 'StringList':
      if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
      if (['string', 'number', 'boolean'].includes(typeof value)) return [String(value)];
      break;
    case 'Integer':
      if (typeof single === 'number' && Number.isInteger(single)) return single;
      if (typeof single === 'string' && /^-?\d+$/.test(single)) return Number(single);
      break;
    case 'Boolean':
      if (typeof single === 'boolean') return single;
      if (single === 'true' || single === 'false') return single === 'true';
      break;
    case 'MapList':
      if (Array.isArray(value) && value.every((v) => v && typeof v === 'object' && !Array.isArray(v))) return value;
      break;
    case 'StringMap':
      if (single && typeof single === 'object' && !Array.isArray(single)) return single;
      break;
  }
  throw new StepFailure(`output '${name}': cannot convert ${JSON.stringify(value)} to ${type}`);
}
