/** Document-level rules: VerbNoun file name, the assume role, unique and addressable step names. */
import { basename } from 'node:path';
import { stepProblem, type Context, type Problem } from './context.js';

/** The only `assumeRole` a runbook may have. */
export const ASSUME_ROLE = '{{ AutomationAssumeRole }}';

const VERB_NOUN = /^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+$/;

/** The runbook name (file name without `.yaml`) must be VerbNoun. */
export function checkFileName(file: string): Problem[] {
  const name = basename(file).replace(/\.ya?ml$/, '');
  return VERB_NOUN.test(name) ? [] : [{ file, message: `file name '${name}' is not VerbNoun (expected e.g. EnableEcrTagImmutability.yaml)` }];
}

/** `assumeRole` is `{{ AutomationAssumeRole }}`, backed by a String parameter. */
export function checkAssumeRole(ctx: Context): void {
  if (ctx.doc.assumeRole !== ASSUME_ROLE) {
    ctx.problems.push({
      file: ctx.file,
      field: 'assumeRole',
      message: `is ${JSON.stringify(ctx.doc.assumeRole ?? null)} (expected '${ASSUME_ROLE}')`,
    });
  }
  const param = ctx.doc.parameters?.['AutomationAssumeRole'];
  if (!param || param.type !== 'String') {
    ctx.problems.push({
      file: ctx.file,
      where: { parameter: 'AutomationAssumeRole' },
      message: 'missing or not a String (expected a String parameter with the role ARN)',
    });
  }
}

/** Step names are unique and usable in `step:<name>`. */
export function checkStepNames(ctx: Context): void {
  const seen = new Set<string>();
  for (const step of ctx.steps) {
    if (seen.has(step.name)) stepProblem(ctx, step.name, 'name', 'is used by more than one step (expected unique step names)');
    seen.add(step.name);
    if (!/^\w+$/.test(step.name)) stepProblem(ctx, step.name, 'name', 'has characters other than letters, digits and _ (onFailure: step:<name> cannot name it)');
  }
}
