/**
 * Runbook scripts kept as Python files. An `aws:executeScript` step names the file that holds
 * its code instead of carrying it inline:
 *
 *     Script: {file: scripts/CreateEcrVpcEndpoints/plan_endpoints.py}
 *
 * The path is relative to the folder of the runbook YAML and lies under its `scripts/` folder,
 * by convention `scripts/<RunbookName>/<step_name>.py`. When a runbook is loaded (catalog,
 * validator, CDK app, test interpreter) each reference is replaced by the file's text, so the
 * document deployed, validated and executed holds the code inline, exactly as SSM runs it.
 * A runbook near Systems Manager's 64 KB document limit may add `compact: true` to a reference
 * (`Script: {file: ..., compact: true}`): comments and indentation are then reduced in the
 * document, line for line, without changing the code (script-compact.ts).
 *
 * Shared code: a step file imports from a sibling module of its folder with one line
 * `from <module> import a, b` (so the file runs, lints and unit-tests as ordinary Python);
 * inlining replaces that line with the module's text (each module once, recursively). Module and
 * step then share one namespace: keep their top-level names distinct. `import <module>` of a
 * sibling is refused (its `module.name` references would not survive inlining). A module not
 * found beside the step is looked up in `scripts/common/` (code shared by several runbooks, e.g.
 * the ECR image classification both ECR image runbooks verify with).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, resolve, sep } from 'node:path';
import { EcrGuardrailsError } from '../rules/kernel/errors.js';
import { compactScript } from './script-compact.js';

/** The folder, next to the runbook YAML files, that holds the scripts. */
export const SCRIPTS_FOLDER = 'scripts';

/** A script reference that cannot be resolved; the message names the reference and what was expected. */
export class ScriptFileError extends EcrGuardrailsError {}

/** `{file: <path>}` or `{file: <path>, compact: true}`: the path when `value` is a script reference, undefined for anything else. */
export function scriptReference(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { file, compact, ...rest } = value as Record<string, unknown>;
  return Object.keys(rest).length === 0 && typeof file === 'string' && (compact === undefined || compact === true) ? file : undefined;
}

/** Whether a script reference asks for its code compacted in the document (script-compact.ts). */
const wantsCompact = (value: unknown): boolean => (value as { compact?: unknown }).compact === true;

/**
 * The code of a script file with its sibling-module imports inlined. `reference` is the path
 * as written in the YAML; `dirs` are the folders to resolve it against, in order (the runbook's
 * own folder first). Throws ScriptFileError for a malformed reference or a missing file.
 */
export function inlineScriptFile(reference: string, dirs: readonly string[]): string {
  if (!isScriptPath(reference)) {
    throw new ScriptFileError(`script file '${reference}' is not a path under ${SCRIPTS_FOLDER}/ (expected e.g. ${SCRIPTS_FOLDER}/<RunbookName>/<step_name>.py)`);
  }
  const path = dirs.map((dir) => resolve(dir, reference)).find((candidate) => existsSync(candidate));
  if (!path) {
    throw new ScriptFileError(`script file '${reference}' not found (looked in ${dirs.map((d) => join(d, reference)).join(', ')})`);
  }
  return inlineModules(readFileSync(path, 'utf8'), dirname(path), new Set([path])).replace(/\n+$/, '');
}

function isScriptPath(reference: string): boolean {
  const path = normalize(reference);
  return reference.endsWith('.py') && path.startsWith(`${SCRIPTS_FOLDER}${sep}`) && !path.split(sep).includes('..');
}

const FROM_IMPORT = /^from\s+([A-Za-z_]\w*)\s+import\s+[^\n]+$/;
const PLAIN_IMPORT = /^import\s+([A-Za-z_]\w*)\s*$/;

/** Modules shared by several runbooks' scripts live in `scripts/common/`. */
export const COMMON_FOLDER = 'common';

/** A sibling module of the step's folder, else a module of `scripts/common/`. */
function moduleFile(folder: string, name: string): string | undefined {
  return [join(folder, `${name}.py`), join(folder, '..', COMMON_FOLDER, `${name}.py`)].find((candidate) => existsSync(candidate));
}

function inlineModules(text: string, folder: string, seen: Set<string>): string {
  return text
    .split('\n')
    .map((line) => {
      const plain = PLAIN_IMPORT.exec(line);
      if (plain && moduleFile(folder, plain[1]!)) {
        throw new ScriptFileError(`'${line}' imports sibling module ${plain[1]}.py as a module (expected 'from ${plain[1]} import <names>': modules are inlined)`);
      }
      const from = FROM_IMPORT.exec(line);
      const module = from ? moduleFile(folder, from[1]!) : undefined;
      if (!module) return line;
      if (seen.has(module)) return `# (${from![1]}.py inlined above)`;
      seen.add(module);
      const body = inlineModules(readFileSync(module, 'utf8'), dirname(module), seen).replace(/\n+$/, '');
      return `# --- ${from![1]}.py (inlined) ---\n${body}\n# --- end of ${from![1]}.py ---`;
    })
    .join('\n');
}

/** A reference that failed to resolve, with the step it belongs to. */
export interface UnresolvedScript {
  step: string;
  message: string;
}

/**
 * Replaces every `Script: {file: ...}` of a parsed document's steps with the file's code, in
 * place (compacted, see script-compact.ts, when the reference says `compact: true`). Returns the references that failed (left as they were); never throws for them.
 */
export function inlineScripts(document: unknown, dirs: readonly string[]): UnresolvedScript[] {
  const failures: UnresolvedScript[] = [];
  const steps = (document as { mainSteps?: unknown } | null)?.mainSteps;
  if (!Array.isArray(steps)) return failures;
  for (const step of steps as Array<{ name?: unknown; inputs?: Record<string, unknown> } | null>) {
    const inputs = step?.inputs;
    const reference = scriptReference(inputs?.['Script']);
    if (!inputs || reference === undefined) continue;
    try {
      const code = inlineScriptFile(reference, dirs);
      inputs['Script'] = wantsCompact(inputs['Script']) ? compactScript(code) : code;
    } catch (error) {
      if (!(error instanceof ScriptFileError)) throw error;
      failures.push({ step: String(step?.name), message: error.message });
    }
  }
  return failures;
}
