/** aws:executeScript steps: handler, `# iam:` declarations against the boto3 calls, output selectors. */
import type { Step } from '../document.js';
import { actionOfCall, declaredScriptActions, scriptBoto3Calls } from '../scripts.js';
import { isObject, stepProblem, type Context } from './context.js';

/** A script step: inline code with its handler, `# iam:` declarations matching its boto3 calls, outputs from the Payload. */
export function checkScriptStep(ctx: Context, step: Step): void {
  const inputs = step.inputs ?? {};
  const script = inputs['Script'];
  const handler = inputs['Handler'];
  if (typeof script !== 'string') {
    stepProblem(ctx, step.name, 'inputs.Script', 'missing (expected an inline script; attachments are not used in this project)');
    return;
  }
  if (typeof inputs['Runtime'] === 'string' && inputs['Runtime'].startsWith('python')) {
    if (typeof handler !== 'string' || !new RegExp(`^def ${handler}\\(\\s*\\w+\\s*,\\s*\\w+\\s*\\)`, 'm').test(script)) {
      stepProblem(ctx, step.name, 'inputs.Handler', `names no top-level function of the script (expected 'def ${String(handler)}(events, context):')`);
    }
  }
  const declared = declaredScriptActions(script);
  for (const action of declared) {
    if (!/^[a-z0-9-]+:[A-Za-z0-9]+$/.test(action)) {
      stepProblem(ctx, step.name, 'inputs.Script', `'# iam:' declares '${action}', which is not an IAM action (expected service:Action, no wildcards)`);
    }
  }
  const used = new Set<string>();
  for (const call of scriptBoto3Calls(script)) {
    let action: string | undefined;
    try {
      action = actionOfCall(call);
    } catch (error) {
      stepProblem(ctx, step.name, 'inputs.Script', `line ${call.line}: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    if (!action) {
      stepProblem(ctx, step.name, 'inputs.Script', `line ${call.line}: boto3 client '${call.service}' has no method '${call.method}' (expected a snake_case operation name)`);
      continue;
    }
    used.add(action);
    if (!declared.includes(action)) {
      stepProblem(ctx, step.name, 'inputs.Script', `line ${call.line}: calls ${call.service}.${call.method} but does not declare '${action}' (expected a '# iam: ${action}' line)`);
    }
  }
  for (const action of declared) {
    if (/^[a-z0-9-]+:[A-Za-z0-9]+$/.test(action) && !used.has(action)) {
      stepProblem(ctx, step.name, 'inputs.Script', `'# iam:' declares '${action}' but the script makes no such call (expected only the actions it calls)`);
    }
  }
  (step.outputs ?? []).forEach((out, i) => {
    if (isObject(out) && typeof out.Selector === 'string' && !/^\$\.Payload(\.|\[|$)/.test(out.Selector)) {
      stepProblem(ctx, step.name, `outputs[${i}].Selector`, `'${out.Selector}' does not select from the script's return value (expected '$.Payload.<key>')`);
    }
  });
}
