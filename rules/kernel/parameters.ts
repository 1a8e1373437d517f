import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { RuleParameterError } from './errors.js';
import type { ParametersSchema } from './types.js';

/**
 * Rule parameters arrive from Config as strings (`ruleParameters` is a JSON object of
 * strings). Each rule declares a JSON schema with defaults; this module coerces the strings
 * ("90" -> 90, "true" -> true, "a, b" -> ["a", "b"]), fills defaults and validates. Anything
 * invalid or unknown is a RuleParameterError naming the parameter and the expected form:
 * a rule with a bad parameter must fail, never evaluate with a guess.
 */
const ajv = new Ajv({ coerceTypes: true, useDefaults: true, allErrors: true, strict: true });
const validators = new WeakMap<object, ValidateFunction>();

type PropertySchema = {
  type?: string;
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  enum?: unknown[];
  items?: { pattern?: string; enum?: unknown[] };
};

function validatorFor(schema: ParametersSchema): ValidateFunction {
  let validate = validators.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    validators.set(schema, validate);
  }
  return validate;
}

function propertiesOf(schema: object): Record<string, PropertySchema> {
  return ((schema as { properties?: Record<string, PropertySchema> }).properties ?? {});
}

/** Human description of what a parameter accepts, e.g. "an integer from 1 to 3650". */
export function expectedForm(property: PropertySchema): string {
  const parts: string[] = [];
  switch (property.type) {
    case 'integer':
    case 'number': {
      const noun = property.type === 'integer' ? 'an integer' : 'a number';
      if (property.minimum !== undefined && property.maximum !== undefined) {
        parts.push(`${noun} from ${property.minimum} to ${property.maximum}`);
      } else if (property.minimum !== undefined) {
        parts.push(`${noun} of at least ${property.minimum}`);
      } else if (property.maximum !== undefined) {
        parts.push(`${noun} of at most ${property.maximum}`);
      } else parts.push(noun);
      break;
    }
    case 'boolean':
      parts.push('true or false');
      break;
    case 'array':
      parts.push(
        property.items?.enum
          ? `a comma-separated list of ${property.items.enum.join(', ')}`
          : `a comma-separated list${property.items?.pattern ? ` of values matching ${property.items.pattern}` : ''}`,
      );
      break;
    default:
      if (property.enum) parts.push(`one of ${property.enum.join(', ')}`);
      else parts.push(property.pattern ? `a string matching ${property.pattern}` : 'a string');
  }
  if (property.default !== undefined) {
    const value = property.default;
    const shown = Array.isArray(value) ? value.join(',') : typeof value === 'string' ? value : JSON.stringify(value);
    parts.push(`default ${shown === '' ? 'empty' : shown}`);
  }
  return parts.join('; ');
}

function rawValue(raw: Record<string, unknown>, name: string): string {
  const value = raw[name];
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function describeError(error: ErrorObject, raw: Record<string, unknown>, properties: Record<string, PropertySchema>): string {
  if (error.keyword === 'additionalProperty' || error.keyword === 'additionalProperties') {
    const name = String((error.params as { additionalProperty: string }).additionalProperty);
    const known = Object.keys(properties).join(', ');
    return `unknown parameter ${name}; this rule accepts ${known || 'no parameters'}`;
  }
  const name = error.instancePath.split('/')[1] ?? String((error.params as { missingProperty?: string }).missingProperty);
  const property = properties[name] ?? {};
  const given = name in raw ? ` is ${JSON.stringify(rawValue(raw, name))}` : ' is missing';
  return `${name}${given}: expected ${expectedForm(property)}`;
}

/** Turns Config's string parameters into typed values with defaults, or throws RuleParameterError. */
export function parseRuleParameters<P>(
  ruleId: string,
  schema: ParametersSchema,
  raw: Record<string, unknown> | undefined,
): P {
  const properties = propertiesOf(schema);
  const input: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw ?? {})) {
    const property = properties[name];
    if (typeof value === 'string' && property?.type === 'array') {
      input[name] = value.split(',').map((item) => item.trim()).filter((item) => item !== '');
    } else if (typeof value === 'string' && property && property.type !== 'string' && value.trim() === '') {
      // An empty value for a typed parameter means "use the default", as in the Config console.
      continue;
    } else {
      input[name] = typeof value === 'string' ? value.trim() : value;
    }
  }
  const validate = validatorFor(schema);
  if (!validate(input)) {
    const problems = [...new Set((validate.errors ?? []).map((error) => describeError(error, raw ?? {}, properties)))];
    throw new RuleParameterError(`Invalid parameters for rule ${ruleId}: ${problems.join('; ')}.`);
  }
  return input as P;
}

/** The parameters as Config InputParameters (strings), e.g. for the CDK app and reports. */
export function formatRuleParameters(params: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(params).map(([name, value]) => [name, Array.isArray(value) ? value.join(',') : String(value)]),
  );
}

/** The schema's defaults, typed. */
export function defaultRuleParameters<P>(ruleId: string, schema: ParametersSchema): P {
  return parseRuleParameters<P>(ruleId, schema, {});
}
