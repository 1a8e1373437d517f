/**
 * Runbook validator: the SSM Automation schema (see `schema.ts`) plus the project's rules
 * (docs/runbooks.md "Writing a runbook"), one file per kind of check in `validate/`. Used by
 * the tests (one test per document) and by `ecr-guardrails runbooks --check`.
 *
 * Every problem names the file, the step (or parameter) and the field:
 *   automations/File.yaml: step 'StepName': field 'X': what is wrong (expected ...)
 */
import { readFileSync } from 'node:fs';
import { defaultRunbookDir, displayPath, runbookFiles, scriptDirs } from './catalog.js';
import { API_ACTIONS, parseDocument, type AutomationDocument, type Step } from './document.js';
import { inlineScripts } from './script-files.js';
import { checkApiStep } from './validate/api-steps.js';
import { checkBranchStep } from './validate/branch-steps.js';
import { isObject, type Context, type Problem } from './validate/context.js';
import { checkDescription } from './validate/description.js';
import { checkAssumeRole, checkFileName, checkStepNames } from './validate/document.js';
import { checkFlow } from './validate/flow.js';
import { checkParameters } from './validate/parameters.js';
import { checkReferences } from './validate/references.js';
import { schemaProblems } from './validate/schema.js';
import { checkScriptStep } from './validate/script-steps.js';

export { formatProblem, type Problem } from './validate/context.js';

/** Validates every runbook file of a folder (default `automations/`); returns all problems (empty when all is well). */
export function validateRunbooks(dir?: string): Problem[] {
  return runbookFiles(dir).flatMap((path) => validateRunbookText(readFileSync(path, 'utf8'), displayPath(path), scriptDirs(path)));
}

/**
 * Validates one document's text. `file` is the display path used in messages and decides the
 * runbook name (`automations/EnableEcrTagImmutability.yaml` -> `EnableEcrTagImmutability`).
 * Script references (`Script: {file: ...}`) resolve against `scriptFolders` (default: the
 * project's `automations/`); while one does not resolve, only those problems are reported.
 */
export function validateRunbookText(yaml: string, file: string, scriptFolders: readonly string[] = [defaultRunbookDir()]): Problem[] {
  let parsed: unknown;
  try {
    parsed = parseDocument(yaml);
  } catch (error) {
    return [{ file, message: `not valid YAML: ${error instanceof Error ? error.message : String(error)}` }];
  }
  const unresolved = inlineScripts(parsed, scriptFolders);
  if (unresolved.length) {
    return unresolved.map(({ step, message }) => ({ file, where: { step }, field: 'inputs.Script', message }));
  }
  return validateDocument(parsed, file);
}

/** Validates a parsed document (scripts already inlined); `file` as for `validateRunbookText`. */
export function validateDocument(parsed: unknown, file: string): Problem[] {
  const problems: Problem[] = [...checkFileName(file), ...schemaProblems(parsed, file)];
  if (!isObject(parsed) || !Array.isArray(parsed['mainSteps'])) return problems;
  const doc = parsed as unknown as AutomationDocument;
  const steps = doc.mainSteps.filter((s): s is Step => isObject(s) && typeof s.name === 'string');
  const ctx: Context = { file, doc, steps, problems };
  checkAssumeRole(ctx);
  checkParameters(ctx);
  checkDescription(ctx);
  checkStepNames(ctx);
  checkFlow(ctx);
  checkReferences(ctx);
  for (const step of steps) {
    if (API_ACTIONS.has(step.action)) checkApiStep(ctx, step);
    if (step.action === 'aws:executeScript') checkScriptStep(ctx, step);
    if (step.action === 'aws:branch') checkBranchStep(ctx, step);
  }
  return problems;
}
