/**
 * Compacting a runbook script changes nothing Python compiles: the syntax tree (ast.dump, which
 * leaves out line numbers) of every compacted step script equals its source's. And it is what
 * keeps CreateEcrVpcEndpoints, whose planning script is inlined twice, well under 64 KB.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadRunbooks, scriptDirs } from '../../automations/catalog.js';
import { parseDocument, type AutomationDocument } from '../../automations/document.js';
import { compactScript } from '../../automations/script-compact.js';
import { inlineScriptFile, scriptReference } from '../../automations/script-files.js';
import { documentContentBytes, SSM_DOCUMENT_CONTENT_MAX_BYTES } from '../../infra/limits.js';

const AST = 'import ast, json, sys\nprint(json.dumps([ast.dump(ast.parse(s)) for s in json.load(sys.stdin)]))';
const syntaxTrees = (scripts: string[]): string[] => JSON.parse(execFileSync('python3', ['-c', AST], { input: JSON.stringify(scripts), encoding: 'utf8' })) as string[];

/** Every step script of every runbook, as inlined from its files before compaction. */
function sourceScripts(): Array<{ where: string; script: string }> {
  return loadRunbooks().flatMap((runbook) =>
    (parseDocument(readFileSync(runbook.path, 'utf8')) as AutomationDocument).mainSteps.flatMap((step) => {
      const reference = scriptReference(step.inputs?.['Script']);
      return reference ? [{ where: `${runbook.name}.${step.name}`, script: inlineScriptFile(reference, scriptDirs(runbook.path)) }] : [];
    }),
  );
}

describe('compactScript', () => {
  it('leaves the syntax tree of every runbook step script unchanged', () => {
    const scripts = sourceScripts();
    expect(scripts.length).toBeGreaterThanOrEqual(10);
    const before = syntaxTrees(scripts.map((s) => s.script));
    const after = syntaxTrees(scripts.map((s) => compactScript(s.script)));
    scripts.forEach((s, i) => expect(after[i], s.where).toBe(before[i]));
    // And it does compact, line for line: comments gone, `# iam:` declarations kept.
    for (const { script } of scripts) {
      const compact = compactScript(script);
      expect(compact.length).toBeLessThan(script.length);
      expect(compact.split('\n')).toHaveLength(script.split('\n').length);
      expect(compact.match(/^# iam:.*$/gm)).toEqual(script.match(/^# iam:.*$/gm));
    }
  });

  it('empties comment lines, divides statement indentation by 4, and keeps strings whole', () => {
    const script = [
      '# iam: ec2:DescribeVpcs',
      '# a comment',
      'X = (1,',
      '     # inside brackets',
      '     2)',
      '',
      '',
      'def f(a):',
      '    """Doc with # not a comment',
      '',
      '        indented text stays."""',
      "    s = '# not a comment either'  # trailing",
      '    if a:',
      '        return {"k": [a,',
      '                      s]}',
      '    return None',
    ].join('\n');
    expect(compactScript(script)).toBe(
      [
        '# iam: ec2:DescribeVpcs',
        '',
        'X = (1,',
        '',
        ' 2)',
        '',
        '',
        'def f(a):',
        ' """Doc with # not a comment',
        '',
        '        indented text stays."""',
        " s = '# not a comment either'  # trailing",
        ' if a:',
        '  return {"k": [a,',
        ' s]}',
        ' return None',
      ].join('\n'),
    );
    // Line for line: validation messages and tracebacks keep their line numbers.
    expect(compactScript(script).split('\n')).toHaveLength(script.split('\n').length);
  });

  it('refuses what it cannot read safely rather than guess', () => {
    expect(() => compactScript('x = 1 + \\\n    2')).toThrow(/backslash line continuation/);
    expect(() => compactScript('def f():\n  return 1')).toThrow(/indentation is not 4n spaces/);
    expect(() => compactScript('x = (1,\n')).toThrow(/unbalanced/);
  });

  it('applies only to references that ask for it: {file, compact: true}', () => {
    expect(scriptReference({ file: 'scripts/A/b.py', compact: true })).toBe('scripts/A/b.py');
    expect(scriptReference({ file: 'scripts/A/b.py', compact: 'yes' })).toBeUndefined();
    const scripts = Object.fromEntries(sourceScripts().map((s) => [s.where, s.script]));
    for (const runbook of loadRunbooks()) {
      for (const step of runbook.document.mainSteps.filter((s) => s.action === 'aws:executeScript')) {
        const source = scripts[`${runbook.name}.${step.name}`]!;
        expect(step.inputs['Script'], `${runbook.name}.${step.name}`).toBe(runbook.name === 'CreateEcrVpcEndpoints' ? compactScript(source) : source);
      }
    }
  });

  it('keeps CreateEcrVpcEndpoints (planning script inlined twice) at least 6 KB under the 64 KB document limit', () => {
    const runbook = loadRunbooks().find((r) => r.name === 'CreateEcrVpcEndpoints')!;
    expect(documentContentBytes(runbook)).toBeLessThan(SSM_DOCUMENT_CONTENT_MAX_BYTES - 6 * 1024);
  });
});
