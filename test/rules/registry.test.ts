import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadRunbooks } from '../../automations/catalog.js';
import { RULES } from '../../rules/index.js';

const rulesDir = fileURLToPath(new URL('../../rules/', import.meta.url));
const ruleFolders = readdirSync(rulesDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !['kernel', 'common'].includes(entry.name))
  .map((entry) => entry.name);
const runbookNames = loadRunbooks().map((runbook) => runbook.name);

describe('the rule registry', () => {
  it('registers every rule folder exactly once, under its folder name', () => {
    expect(RULES.map((rule) => rule.id).sort()).toEqual([...ruleFolders].sort());
  });

  it.each(ruleFolders)('%s has the four files: rule, collect, pure evaluate, thin handler', (folder) => {
    for (const file of ['rule.ts', 'collect.ts', 'evaluate.ts', 'handler.ts']) expect(existsSync(join(rulesDir, folder, file)), file).toBe(true);
    const handler = readFileSync(join(rulesDir, folder, 'handler.ts'), 'utf8');
    expect(handler).toContain('export const handler = createConfigRuleHandler(rule);');
  });

  it.each(ruleFolders)('%s evaluators import no AWS SDK and read no clock', (folder) => {
    const pure = readdirSync(join(rulesDir, folder)).filter((file) => file.endsWith('.ts') && !['collect.ts', 'handler.ts', 'rule.ts'].includes(file) && !file.startsWith('collect'));
    for (const file of pure) {
      const source = readFileSync(join(rulesDir, folder, file), 'utf8');
      expect(source, `${folder}/${file}`).not.toMatch(/from '@aws-sdk\//);
      expect(source, `${folder}/${file}`).not.toMatch(/\bDate\.now\(\)|new Date\(\)/);
    }
  });

  it.each(RULES.flatMap((rule) => rule.remediations.map((remediation) => [rule.id, remediation.runbook])))('%s points at an existing runbook %s', (_, runbook) => {
    expect(runbookNames).toContain(runbook);
  });

  it.each(runbookNames)('runbook %s belongs to a rule', (runbook) => {
    const owners = RULES.filter((rule) => rule.remediations.some((remediation) => remediation.runbook === runbook));
    expect(owners.map((rule) => rule.id)).not.toEqual([]);
  });

  it('every rule can be fixed without destroying data from the Remediate button', () => {
    for (const rule of RULES) expect(rule.remediations[0].destructive, rule.id).not.toBe(true);
  });
});
