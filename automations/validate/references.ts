/** `{{ reference }}` resolution: parameters, automation variables, outputs of steps that surely ran. */
import { AUTOMATION_VARIABLES, references, type Step } from '../document.js';
import { isObject, stepProblem, type Context } from './context.js';
import { succeededBefore } from './flow.js';

/** Predefined outputs of actions (usable as `{{ Step.Name }}` without an `outputs` entry). */
const BUILTIN_OUTPUTS: Readonly<Record<string, readonly string[]>> = {
  'aws:executeScript': ['OutputPayload'],
  'aws:approve': ['ApprovalStatus', 'ApproverDecisions', 'Approvers'],
  'aws:executeAutomation': ['Output', 'ExecutionId', 'Status'],
};

/** Every `{{ reference }}` names a parameter, an automation variable or an output of a step that has surely run. */
export function checkReferences(ctx: Context): void {
  const parameters = new Set(Object.keys(ctx.doc.parameters ?? {}));
  const variables = new Set<string>(AUTOMATION_VARIABLES);
  const outputsOf = new Map<string, Set<string>>();
  for (const step of ctx.steps) {
    const declared = (step.outputs ?? []).filter(isObject).map((o) => o.Name);
    outputsOf.set(step.name, new Set([...declared, ...(BUILTIN_OUTPUTS[step.action] ?? [])]));
  }
  const before = succeededBefore(ctx);
  const resolve = (ref: string, step: Step | undefined): string | undefined => {
    if (parameters.has(ref) || variables.has(ref)) return undefined;
    const dot = ref.indexOf('.');
    if (dot < 0) {
      return `'{{ ${ref} }}' is not a parameter or automation variable (expected one of ${[...parameters].join(', ')} or ${[...variables].join(', ')})`;
    }
    const [source, output] = [ref.slice(0, dot), ref.slice(dot + 1)];
    const outputs = outputsOf.get(source);
    if (!outputs) return `'{{ ${ref} }}' names step '${source}', which does not exist (expected a parameter or <Step>.<Output> of an earlier step)`;
    if (!outputs.has(output)) {
      return `'{{ ${ref} }}': step '${source}' declares no output '${output}' (expected one of ${[...outputs].join(', ') || 'none'})`;
    }
    if (step && !before.get(step.name)?.has(source)) {
      return `'{{ ${ref} }}': step '${source}' has not always succeeded before this step (expected an output of a step on every path to it)`;
    }
    return undefined;
  };
  for (const step of ctx.steps) {
    walk(step.inputs, 'inputs', (value, field) => {
      for (const ref of references(value)) {
        const message = resolve(ref, step);
        if (message) stepProblem(ctx, step.name, field, message);
      }
    });
  }
  for (const ref of references(ctx.doc.assumeRole)) {
    const message = resolve(ref, undefined);
    if (message) ctx.problems.push({ file: ctx.file, field: 'assumeRole', message });
  }
  (ctx.doc.outputs ?? []).forEach((out, i) => {
    const message = typeof out === 'string' && out.includes('.') ? resolve(out, undefined) : undefined;
    if (message) ctx.problems.push({ file: ctx.file, field: `outputs[${i}]`, message });
  });
}

function walk(value: unknown, field: string, visit: (value: string, field: string) => void): void {
  if (typeof value === 'string') visit(value, field);
  else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${field}[${i}]`, visit));
  else if (isObject(value)) for (const [k, v] of Object.entries(value)) walk(v, `${field}.${k}`, visit);
}
