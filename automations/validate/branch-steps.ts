/** aws:branch steps: the shape of choices and conditions. */
import { soleReference, type Step } from '../document.js';
import { isObject, stepProblem, type Context } from './context.js';

const BRANCH_OPERATORS = new Set([
  'StringEquals',
  'EqualsIgnoreCase',
  'StartsWith',
  'EndsWith',
  'Contains',
  'NumericEquals',
  'NumericGreater',
  'NumericLesser',
  'NumericGreaterOrEquals',
  'NumericLesserOrEquals',
  'BooleanEquals',
]);

/** An aws:branch step: choices with a Variable and exactly one operator (or And/Or/Not), each with NextStep. */
export function checkBranchStep(ctx: Context, step: Step): void {
  const choices = step.inputs?.['Choices'];
  if (!Array.isArray(choices) || !choices.length) {
    stepProblem(ctx, step.name, 'inputs.Choices', 'missing or empty (expected a list of choices)');
    return;
  }
  choices.forEach((choice, i) => checkCondition(ctx, step, choice, `inputs.Choices[${i}]`, true));
}

function checkCondition(ctx: Context, step: Step, condition: unknown, field: string, top: boolean): void {
  if (!isObject(condition)) {
    stepProblem(ctx, step.name, field, 'is not a mapping (expected Variable and one operator, or And/Or/Not)');
    return;
  }
  if (top && typeof condition['NextStep'] !== 'string') stepProblem(ctx, step.name, `${field}.NextStep`, 'missing (expected the step to go to)');
  const keys = Object.keys(condition).filter((k) => k !== 'NextStep');
  const compound = keys.filter((k) => k === 'And' || k === 'Or' || k === 'Not');
  if (compound.length) {
    for (const op of compound) {
      const parts = op === 'Not' ? [condition[op]] : condition[op];
      if (!Array.isArray(parts)) stepProblem(ctx, step.name, `${field}.${op}`, 'is not a list of conditions');
      else parts.forEach((part, i) => checkCondition(ctx, step, part, `${field}.${op}[${i}]`, false));
    }
    return;
  }
  const operators = keys.filter((k) => BRANCH_OPERATORS.has(k));
  const unknown = keys.filter((k) => k !== 'Variable' && !BRANCH_OPERATORS.has(k));
  for (const k of unknown) stepProblem(ctx, step.name, `${field}.${k}`, `is not a branch operator (expected one of ${[...BRANCH_OPERATORS].join(', ')})`);
  if (operators.length !== 1) stepProblem(ctx, step.name, field, `has ${operators.length} operators (expected exactly one)`);
  const variable = condition['Variable'];
  if (typeof variable !== 'string' || soleReference(variable) === undefined) {
    stepProblem(ctx, step.name, `${field}.Variable`, `is ${JSON.stringify(variable ?? null)} (expected '{{ Parameter }}' or '{{ Step.Output }}')`);
  }
}
