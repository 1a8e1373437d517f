/**
 * The built CLI (dist/cli/main.js, unmodified) against the emulator: every verdict equals the
 * seeded ground truth, the exit status says findings, and a snapshot gives the same verdicts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedEstate, type Estate } from './estate.js';
import { runCliOnEmulator, useEmulator } from './support/emulator.js';
import { expectedVerdicts, reportVerdicts, scanJson, type ScanRun } from './support/verdicts.js';

const REGIONS = ['eu-west-1', 'eu-west-2', 'eu-central-1', 'eu-north-1', 'eu-south-1', 'eu-central-2'];

describe('CLI scan of a seeded estate', () => {
  let estate: Estate;
  let live: ScanRun;
  let dir: string;
  const regions = (): string => estate.rules.map((r) => r.scope.region).join(',');

  beforeAll(async () => {
    useEmulator();
    dir = await mkdtemp(join(tmpdir(), 'ecr-guardrails-cli-'));
    estate = await seedEstate(REGIONS);
    live = await scanJson(['--region', regions()]);
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('has a seed for every rule in RULES (add test/integration/seed/<rule-id>.ts)', () => {
    expect(estate.missing).toEqual([]);
  });

  it('exits 1 (findings) and reports no unscanned scope', () => {
    expect(live.report.problems).toEqual([]);
    expect(live.code).toBe(1);
    expect(live.report.summary.NON_COMPLIANT).toBeGreaterThan(0);
  });

  it.each(['ecr-tag-immutability', 'ecr-vpc-endpoints', 'ecr-stale-images', 'ecr-repository-access'])('%s: every verdict equals the seeded ground truth', (ruleId) => {
    const seeded = estate.rules.find((r) => r.ruleId === ruleId);
    expect(seeded, `${ruleId} was not seeded`).toBeDefined();
    expect(reportVerdicts(live.report, seeded!)).toEqual(expectedVerdicts(seeded!.truth));
  });

  it('collect, then scan --snapshot of that file, gives the same verdicts and exit status', async () => {
    const file = join(dir, 'estate.json');
    const collected = await runCliOnEmulator(['collect', '--region', regions(), '--output', file]);
    expect(collected.stderr).toContain('Snapshot written');
    expect(collected.code).toBe(0);
    const offline = await scanJson(['--snapshot', file], { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' });
    expect(offline.code).toBe(live.code);
    expect(offline.report.problems).toEqual([]);
    for (const seeded of estate.rules) expect(reportVerdicts(offline.report, seeded)).toEqual(expectedVerdicts(seeded.truth));
  });
});
