/**
 * Licences of what ships: every production dependency in the installed tree (package.json
 * `dependencies`, then each package's own `dependencies` and installed `optionalDependencies`,
 * resolved as Node resolves them from node_modules) must carry a licence of ALLOWED, or be listed
 * in EXCEPTIONS with the reason. Unknown or missing licences fail. THIRD_PARTY_NOTICES.md states
 * what the exceptions mean for a deployment.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Permissive licences (SPDX ids) the project, Apache-2.0, can ship without a note. */
const ALLOWED = new Set(['Apache-2.0', 'MIT', 'MIT-0', 'ISC', '0BSD', 'BSD-2-Clause', 'BSD-3-Clause', 'PSF-2.0', 'Python-2.0', 'BlueOak-1.0.0', 'CC0-1.0', 'Unlicense']);

/**
 * Production dependencies outside ALLOWED, each with its exact licence (a change of licence
 * fails the test, so it is read again) and the reason it ships.
 */
const EXCEPTIONS: Record<string, { licence: string; reason: string }> = {
  '@cloud-copilot/iam-simulate': {
    licence: 'AGPL-3.0-or-later',
    reason:
      'The IAM policy simulator ecr-repository-access decides by (rules/ecr-repository-access/policy-risk.ts, behind policyRisk). No permissively licensed, maintained simulator that follows AWS evaluation logic exists in the registry.',
  },
  '@cloud-copilot/iam-policy': { licence: 'AGPL-3.0-or-later', reason: 'Policy parser of @cloud-copilot/iam-simulate (its dependency).' },
  '@cloud-copilot/iam-utils': { licence: 'AGPL-3.0-or-later', reason: 'Helpers of @cloud-copilot/iam-simulate (its dependency).' },
};

interface Installed {
  name: string;
  version: string;
  licence: string | undefined;
  dir: string;
}

const ROOT = process.cwd();
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

/** The folder of `name` as Node resolves it from `from` (nearest node_modules upwards). */
function resolvePackage(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(candidate)) return dirname(candidate);
    if (dirname(dir) === dir) return undefined;
  }
}

/** The licence as an SPDX expression: `license`, or the legacy `licenses` array (any of them). */
function licenceOf(pkg: Record<string, unknown>): string | undefined {
  if (typeof pkg['license'] === 'string') return pkg['license'];
  const legacy = pkg['license'] ?? pkg['licenses'];
  const list = (Array.isArray(legacy) ? legacy : legacy ? [legacy] : []) as Array<{ type?: unknown }>;
  const types = list.map((l) => l.type).filter((t): t is string => typeof t === 'string');
  return types.length ? types.join(' OR ') : undefined;
}

/** Every production dependency, transitively; `missing` lists those not installed. */
function productionTree(): { packages: Installed[]; missing: string[] } {
  const seen = new Map<string, Installed>();
  const missing: string[] = [];
  const visit = (dir: string, optionalOnly = false) => {
    const pkg = readJson(join(dir, 'package.json'));
    const required = Object.keys((pkg['dependencies'] as Record<string, string> | undefined) ?? {});
    const optional = Object.keys((pkg['optionalDependencies'] as Record<string, string> | undefined) ?? {});
    for (const name of [...required, ...optional]) {
      const found = resolvePackage(name, dir);
      if (!found) {
        // An optional dependency for another platform is not installed, and does not ship.
        if (!optional.includes(name) && !optionalOnly) missing.push(`${name} (from ${relative(ROOT, dir) || 'package.json'})`);
        continue;
      }
      if (seen.has(found)) continue;
      const dep = readJson(join(found, 'package.json'));
      seen.set(found, { name: String(dep['name']), version: String(dep['version']), licence: licenceOf(dep), dir: found });
      visit(found);
    }
  };
  visit(ROOT);
  return { packages: [...seen.values()], missing };
}

/** Does the SPDX expression allow use under ALLOWED? `OR`: any side; `AND` / `WITH`: the left side and all others. */
export function permissive(expression: string): boolean {
  const tokens = expression.replace(/[()]/g, ' $& ').trim().split(/\s+/);
  let position = 0;
  const primary = (): boolean => {
    const token = tokens[position++];
    if (token === '(') {
      const value = or();
      position++; // ')'
      return value;
    }
    return token !== undefined && ALLOWED.has(token.replace(/\+$/, ''));
  };
  const and = (): boolean => {
    let value = primary();
    while (tokens[position] === 'AND' || tokens[position] === 'WITH') {
      const operator = tokens[position++];
      if (operator === 'WITH') position++; // an exception only adds permissions
      else value = primary() && value;
    }
    return value;
  };
  const or = (): boolean => {
    let value = and();
    while (tokens[position] === 'OR') {
      position++;
      value = and() || value;
    }
    return value;
  };
  return or() && position === tokens.length;
}

const tree = productionTree();

describe('licences of production dependencies', () => {
  it('every production dependency is installed (none skipped)', () => {
    expect(tree.missing).toEqual([]);
    expect(tree.packages.length).toBeGreaterThan(20);
  });

  it('every production dependency is under a permissive licence or a documented exception', () => {
    const offending = tree.packages
      .filter((p) => !(p.licence && permissive(p.licence)))
      .filter((p) => EXCEPTIONS[p.name]?.licence !== p.licence)
      .map((p) => `${p.name}@${p.version}: ${p.licence ?? 'no licence field'}`);
    expect(offending).toEqual([]);
  });

  it('every exception is still shipped under the licence it was granted for (a stale or changed exception is read again)', () => {
    for (const [name, { licence }] of Object.entries(EXCEPTIONS)) {
      const installed = tree.packages.filter((p) => p.name === name);
      expect(installed.length, `${name} is no longer a production dependency: drop its exception and its notice`).toBeGreaterThan(0);
      for (const p of installed) expect(p.licence, `${name}@${p.version}`).toBe(licence);
    }
  });

  it('THIRD_PARTY_NOTICES.md names every exception with the installed version and its licence', () => {
    const notices = readFileSync(join(ROOT, 'THIRD_PARTY_NOTICES.md'), 'utf8');
    for (const [name, { licence }] of Object.entries(EXCEPTIONS)) {
      for (const p of tree.packages.filter((installed) => installed.name === name)) expect(notices).toMatch(new RegExp(`\\| \`${name}\` \\| ${p.version.replace(/\./g, '\\.')} .*\\| ${licence} \\|`));
    }
  });

  it.each([
    ['MIT', true],
    ['(MIT OR GPL-3.0-only)', true],
    ['Apache-2.0 WITH LLVM-exception', true],
    ['MIT AND AGPL-3.0-or-later', false],
    ['AGPL-3.0-or-later', false],
    ['GPL-2.0-only OR (BSD-3-Clause AND MIT)', true],
    ['SEE LICENSE IN LICENSE.txt', false],
    ['UNLICENSED', false],
  ])('SPDX %s is permissive: %s', (expression, expected) => {
    expect(permissive(expression)).toBe(expected);
  });
});

/** Source files of the shipped code (not tests, benchmarks or node_modules). */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

describe('the AGPL components are reached through one module', () => {
  it('only rules/ecr-repository-access/policy-risk.ts imports an exception package; the rest goes through policyRisk', () => {
    const importers = ['rules', 'detections', 'security-hub', 'cli', 'infra', 'automations']
      .flatMap((dir) => sourceFiles(join(ROOT, dir)))
      .filter((file) => Object.keys(EXCEPTIONS).some((name) => readFileSync(file, 'utf8').includes(`'${name}`)))
      .map((file) => relative(ROOT, file));
    expect(importers).toEqual(['rules/ecr-repository-access/policy-risk.ts']);
  });
});
