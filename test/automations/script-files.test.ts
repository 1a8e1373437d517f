import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultRunbookDir, loadRunbook, loadRunbooks } from '../../automations/catalog.js';
import { inlineScriptFile, ScriptFileError, scriptReference } from '../../automations/script-files.js';
import { formatProblem, validateRunbookText } from '../../automations/validate.js';
import { EcrGuardrailsError } from '../../rules/kernel/errors.js';

const AUTOMATIONS = defaultRunbookDir();
const source = (path: string): string => readFileSync(fileURLToPath(new URL(`../../automations/${path}`, import.meta.url)), 'utf8');

/** A scratch automations folder with the given files (paths relative to it). */
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'script-files-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('runbook scripts live in automations/scripts and are inlined on load', () => {
  it('recognises only {file: <path>} as a reference', () => {
    expect(scriptReference({ file: 'scripts/A/b.py' })).toBe('scripts/A/b.py');
    expect(scriptReference('def handler(events, context): pass')).toBeUndefined();
    expect(scriptReference({ file: 'scripts/A/b.py', other: 1 })).toBeUndefined();
    expect(scriptReference(['scripts/A/b.py'])).toBeUndefined();
  });

  it('every executeScript step of every loaded runbook holds code, not a reference', () => {
    const steps = loadRunbooks().flatMap((r) => r.document.mainSteps.filter((s) => s.action === 'aws:executeScript'));
    expect(steps.length).toBeGreaterThanOrEqual(10);
    for (const step of steps) {
      expect(typeof step.inputs['Script'], step.name).toBe('string');
      expect(String(step.inputs['Script'])).toMatch(/^def handler\(events, context\):/m);
    }
  });

  it('inlines a file without sibling imports verbatim (without the final newline)', () => {
    const path = 'scripts/ApplyEcrLifecyclePolicy/report_preview.py';
    expect(inlineScriptFile(path, [AUTOMATIONS])).toBe(source(path).replace(/\n$/, ''));
  });

  it('replaces `from <sibling> import ...` with the module text', () => {
    const script = inlineScriptFile('scripts/CreateEcrVpcEndpoints/plan_endpoints.py', [AUTOMATIONS]);
    expect(script).not.toMatch(/^from network import/m);
    expect(script).toContain(source('scripts/CreateEcrVpcEndpoints/network.py').trimEnd());
    expect(script).toContain('# --- network.py (inlined) ---');
  });

  it('inlines each module once, nested modules too, and keeps other imports', () => {
    const dir = folder({
      'scripts/Run/step.py': 'import json\nfrom a import x\nfrom b import y\nfrom botocore.exceptions import ClientError\n\n\ndef handler(events, context):\n    return x() + y()\n',
      'scripts/Run/a.py': 'from b import y\n\n\ndef x():\n    return y()\n',
      'scripts/Run/b.py': 'def y():\n    return 1\n',
    });
    expect(inlineScriptFile('scripts/Run/step.py', [dir])).toBe(
      [
        'import json',
        '# --- a.py (inlined) ---',
        '# --- b.py (inlined) ---',
        'def y():',
        '    return 1',
        '# --- end of b.py ---',
        '',
        '',
        'def x():',
        '    return y()',
        '# --- end of a.py ---',
        '# (b.py inlined above)',
        'from botocore.exceptions import ClientError',
        '',
        '',
        'def handler(events, context):',
        '    return x() + y()',
      ].join('\n'),
    );
  });

  it.each([
    ['../secrets.py', /is not a path under scripts\//],
    ['scripts/../../x.py', /is not a path under scripts\//],
    ['scripts/Run/step.sh', /is not a path under scripts\//],
    ['scripts/Run/missing.py', /script file 'scripts\/Run\/missing\.py' not found \(looked in .*scripts\/Run\/missing\.py\)/],
  ])('refuses %s with a clear error', (reference, message) => {
    const dir = folder({ 'scripts/Run/step.py': 'def handler(events, context):\n    return {}\n' });
    expect(() => inlineScriptFile(reference, [dir])).toThrow(message);
    expect(() => inlineScriptFile(reference, [dir])).toThrow(EcrGuardrailsError);
  });

  it('refuses `import <sibling>` (its qualified names would not survive inlining)', () => {
    const dir = folder({ 'scripts/Run/step.py': 'import helpers\n', 'scripts/Run/helpers.py': 'X = 1\n' });
    expect(() => inlineScriptFile('scripts/Run/step.py', [dir])).toThrow(
      new ScriptFileError("'import helpers' imports sibling module helpers.py as a module (expected 'from helpers import <names>': modules are inlined)"),
    );
  });

  it("prefers the runbook's own folder, then the project's automations/", () => {
    const yaml = source('EnableEcrTagImmutability.yaml');
    const own = folder({
      'EnableEcrTagImmutability.yaml': yaml,
      'scripts/EnableEcrTagImmutability/plan_exclusion_filters.py': '# iam: ecr:DescribeRepositories\n# own copy\n',
    });
    expect(loadRunbook(join(own, 'EnableEcrTagImmutability.yaml')).document.mainSteps.find((s) => s.name === 'PlanExclusionFilters')?.inputs['Script']).toBe(
      '# iam: ecr:DescribeRepositories\n# own copy',
    );
    const bare = folder({});
    copyFileSync(join(AUTOMATIONS, 'EnableEcrTagImmutability.yaml'), join(bare, 'EnableEcrTagImmutability.yaml'));
    expect(loadRunbook(join(bare, 'EnableEcrTagImmutability.yaml')).document).toEqual(loadRunbook(join(AUTOMATIONS, 'EnableEcrTagImmutability.yaml')).document);
  });

  it('a reference to a missing file: the loader throws, the validator names file, step and field', () => {
    const yaml = source('EnableEcrTagImmutability.yaml').replace('scripts/EnableEcrTagImmutability/plan_exclusion_filters.py', 'scripts/EnableEcrTagImmutability/plan.py');
    const others = ['scripts/EnableEcrTagImmutability/verify_tag_immutability.py', 'scripts/EnableEcrTagImmutability/filters.py'];
    const dir = folder({ 'EnableEcrTagImmutability.yaml': yaml, ...Object.fromEntries(others.map((path) => [path, source(path)])) });
    expect(() => loadRunbook(join(dir, 'EnableEcrTagImmutability.yaml'))).toThrow(ScriptFileError);
    expect(validateRunbookText(yaml, 'automations/EnableEcrTagImmutability.yaml', [dir]).map(formatProblem)).toEqual([
      `automations/EnableEcrTagImmutability.yaml: step 'PlanExclusionFilters': field 'inputs.Script': script file 'scripts/EnableEcrTagImmutability/plan.py' not found (looked in ${join(dir, 'scripts/EnableEcrTagImmutability/plan.py')})`,
    ]);
  });
});
