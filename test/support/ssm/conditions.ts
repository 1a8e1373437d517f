/**
 * Conditions in the test SSM interpreter: aws:assertAwsResourceProperty / aws:waitForAwsResourceProperty
 * comparisons, and aws:branch choices with every operator this project's runbooks use.
 */
import { substituteString } from '../../../automations/document.js';
import { select } from '../../../automations/selector.js';
import { StepFailure } from './errors.js';

export function propertyMismatch(response: unknown, inputs: Record<string, unknown>): string | undefined {
  const selector = String(inputs['PropertySelector']);
  const desired = (Array.isArray(inputs['DesiredValues']) ? inputs['DesiredValues'] : []).map(String);
  const value = select(response, selector);
  const actual = (Array.isArray(value) ? value : value === undefined ? [] : [value]).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  if (!actual.length) return `${selector} selected nothing (expected one of ${desired.join(', ')})`;
  const wrong = actual.filter((v) => !desired.includes(v));
  return wrong.length ? `${selector} is ${wrong.join(', ')} (expected one of ${desired.join(', ')})` : undefined;
}

export function chooseBranch(inputs: Record<string, unknown>, lookup: (name: string) => unknown): string | undefined {
  const choices = Array.isArray(inputs['Choices']) ? (inputs['Choices'] as Record<string, unknown>[]) : [];
  for (const choice of choices) {
    if (evaluate(choice, lookup)) return String(choice['NextStep']);
  }
  return typeof inputs['Default'] === 'string' ? inputs['Default'] : undefined;
}

function evaluate(condition: Record<string, unknown>, lookup: (name: string) => unknown): boolean {
  if (Array.isArray(condition['And'])) return (condition['And'] as Record<string, unknown>[]).every((c) => evaluate(c, lookup));
  if (Array.isArray(condition['Or'])) return (condition['Or'] as Record<string, unknown>[]).some((c) => evaluate(c, lookup));
  if (condition['Not'] !== undefined) {
    const inner = Array.isArray(condition['Not']) ? condition['Not'][0] : condition['Not'];
    return !evaluate(inner as Record<string, unknown>, lookup);
  }
  const value = substituteString(String(condition['Variable']), lookup);
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const [operator, expected] = Object.entries(condition).find(([k]) => k !== 'Variable' && k !== 'NextStep') ?? [];
  switch (operator) {
    case 'StringEquals':
      return text === String(expected);
    case 'EqualsIgnoreCase':
      return text.toLowerCase() === String(expected).toLowerCase();
    case 'StartsWith':
      return text.startsWith(String(expected));
    case 'EndsWith':
      return text.endsWith(String(expected));
    case 'Contains':
      return Array.isArray(value) ? value.map(String).includes(String(expected)) : text.includes(String(expected));
    case 'NumericEquals':
      return Number(value) === Number(expected);
    case 'NumericGreater':
      return Number(value) > Number(expected);
    case 'NumericLesser':
      return Number(value) < Number(expected);
    case 'NumericGreaterOrEquals':
      return Number(value) >= Number(expected);
    case 'NumericLesserOrEquals':
      return Number(value) <= Number(expected);
    case 'BooleanEquals':
      return (value === true || value === 'true') === (expected === true || expected === 'true');
    default:
      throw new StepFailure(`unsupported branch operator ${String(operator)}`);
  }
}
