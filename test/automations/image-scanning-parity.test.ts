/**
 * EnableEcrImageScanning's scripts repeat the ecr-image-scanning rule's configuration check in
 * Python (automations/scripts/EnableEcrImageScanning/scanning.py, `pushes_scanned`): which
 * effective frequency scans every push for each registry scan type. Both run over every
 * combination here and must agree, so the runbook's verification is the rule's own.
 * Values: https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_RegistryScanningRule.html
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configurationProblem } from '../../rules/ecr-image-scanning/evaluate.js';

const SCRIPTS = fileURLToPath(new URL('../../automations/scripts/EnableEcrImageScanning/', import.meta.url));
const SCAN_TYPES = ['BASIC', 'ENHANCED', 'PREMIUM', ''];
const FREQUENCIES = ['SCAN_ON_PUSH', 'CONTINUOUS_SCAN', 'MANUAL', 'HOURLY', null];
const CASES = SCAN_TYPES.flatMap((scanType) => FREQUENCIES.map((frequency) => [scanType, frequency] as const));

function python(cases: ReadonlyArray<readonly [string, string | null]>): boolean[] {
  const program = 'import json, sys\nfrom scanning import pushes_scanned\nprint(json.dumps([pushes_scanned(t, f) for t, f in json.load(sys.stdin)]))';
  const run = spawnSync('python3', ['-c', program], { input: JSON.stringify(cases), encoding: 'utf8', env: { ...process.env, PYTHONPATH: SCRIPTS, PYTHONDONTWRITEBYTECODE: '1' } });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as boolean[];
}

describe('EnableEcrImageScanning verification agrees with the ecr-image-scanning rule', () => {
  const answers = python(CASES);
  it.each(CASES.map((c, i) => [c[0] || '(none)', c[1] ?? '(none)', i] as const))('registry %s, frequency %s', (_type, _frequency, i) => {
    const [scanType, frequency] = CASES[i]!;
    const rule = configurationProblem({ repositoryName: 'team/app', tags: {}, scanning: { ...(frequency ? { scanFrequency: frequency } : {}), appliedScanFilters: [] } }, { scanType, rules: [] }) === undefined;
    expect(answers[i]).toBe(rule);
  });

  it('accepts exactly the documented pairs', () => {
    expect(CASES.filter((_, i) => answers[i])).toEqual([
      ['BASIC', 'SCAN_ON_PUSH'],
      ['ENHANCED', 'SCAN_ON_PUSH'],
      ['ENHANCED', 'CONTINUOUS_SCAN'],
    ]);
  });
});
