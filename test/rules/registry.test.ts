import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
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

  it.each(ruleFolders)('%s declares its change collector as its collector module has it (lazy loading)', async (folder) => {
    const rule = RULES.find((candidate) => candidate.id === folder)!;
    const module = (await import(/* @vite-ignore */ pathToFileURL(join(rulesDir, folder, 'collect.ts')).href)) as { collector: { collectForChange?: unknown } };
    expect(typeof rule.collector.collectForChange === 'function').toBe(typeof module.collector.collectForChange === 'function');
  });

  it('reading the registry loads no AWS SDK client; collecting loads the rule\'s own', () => {
    // The SDK clients are CommonJS packages: whatever a process loaded is in require.cache.
    const loadedClients = (code: string): string[] => {
      const script = `import { createRequire } from 'node:module'; ${code}; const cache = createRequire(import.meta.url).cache; console.log(JSON.stringify([...new Set(Object.keys(cache).map((p) => /@aws-sdk\\/(client-[a-z0-9-]+)\\//.exec(p)?.[1]).filter(Boolean))]))`;
      const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: fileURLToPath(new URL('../..', import.meta.url)) });
      expect(child.status, child.stderr).toBe(0);
      return JSON.parse(child.stdout) as string[];
    };
    expect(loadedClients("const { RULES } = await import('./dist/rules/index.js'); if (RULES.length < 3) throw new Error('no rules')")).toEqual([]);
    expect(loadedClients("await import('./dist/rules/ecr-tag-immutability/collect.js')")).toContain('client-ecr');
  });

  it('every rule can be fixed without destroying data from the Remediate button', () => {
    for (const rule of RULES) expect(rule.remediations[0].destructive, rule.id).not.toBe(true);
  });
});
