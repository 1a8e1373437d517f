/**
 * The remediation loop closes: for every NON_COMPLIANT finding of the demo estate and of the
 * loop fixtures, run the remediation the JSON report offers (runbook and parameters, approvals
 * granted, dry run off) against a stateful fake of the APIs it touches, then run the rule again
 * (its real collector against the same fake). The run must end Success with the rule now
 * COMPLIANT, or Failed with a message, the rule still NON_COMPLIANT. Success never leaves a finding.
 *
 * To add a rule's runbooks: register a `LoopWorld` in WORLDS (test/fixtures/remediation-loop/worlds.ts:
 * a fake its collector and runbooks share, seeded from the rule's facts); its findings in the demo
 * estate are then replayed, and fixture snapshots can be added to SOURCES. The guard test fails
 * while a runbook of the registry has no case that runs it.
 */
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadRunbooks } from '../../automations/catalog.js';
import { ruleRuns } from '../../cli/options.js';
import { evaluateSnapshot, type Finding } from '../../cli/scan.js';
import type { Snapshot, SnapshotScope } from '../../cli/snapshot.js';
import { RULES } from '../../rules/index.js';
import { ClientFactory } from '../../rules/kernel/clients.js';
import { createCollectContext } from '../../rules/kernel/context.js';
import { silentLogger } from '../../rules/kernel/logger.js';
import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { LOOP_ESTATE, MULTI_ARCH_REPOSITORY } from '../fixtures/remediation-loop/ecr-estate.js';
import { SCANNING_LOOP_ESTATE } from '../fixtures/remediation-loop/scanning-estate.js';
import { VPC_LOOP_ESTATES } from '../fixtures/remediation-loop/vpc-estates.js';
import { ecrWorld, resetWorlds, scanningWorld, WORLDS } from '../fixtures/remediation-loop/worlds.js';
import { runAutomation } from '../support/ssm/interpreter.js';

const SOURCES: Array<[string, Snapshot]> = [
  ['demo estate', JSON.parse(readFileSync(new URL('../../examples/demo-estate.json', import.meta.url), 'utf8')) as Snapshot],
  ['loop fixtures', LOOP_ESTATE],
  ['scanning loop fixtures', SCANNING_LOOP_ESTATE],
  ...VPC_LOOP_ESTATES,
];

const runs = ruleRuns(RULES.filter((rule) => WORLDS.some((world) => world.ruleIds.includes(rule.id))), []);
const APPROVER = 'arn:aws:iam::111122223333:role/PlatformOwners';

/**
 * How some cases must end: Success, or a failure naming what remains. Images without scan results
 * stay findings after the configuration fix unless a basic scan starts: StartImageScan is for basic
 * scanning, enhanced scanning is Amazon Inspector's, and ECR allows one basic scan per image per 24 hours
 * (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_StartImageScan.html).
 */
const EXPECTED: Record<string, RegExp | string> = {
  'eu-west-3 frontend/web': 'Success',
  'eu-west-3 loop/scan-config-only': 'Success',
  'eu-west-3 loop/scan-never-scanned': 'Success',
  'eu-west-3 loop/scan-failed': 'Success',
  'eu-west-3 loop/scan-old-critical': /still finds 1 image\(s\) in use with findings >=CRITICAL open >30d \(rebuild them\): v1 \(2\)/,
  'eu-west-3 loop/scan-limit-exceeded': /without scan results: v1 \(LIMIT_EXCEEDED\)/,
  'eu-west-1 loop/enhanced-config-only': 'Success',
  'eu-west-1 loop/enhanced-never-scanned': /without scan results: v1 \(NEVER_SCANNED\)/,
  'eu-west-1 loop/enhanced-old-finding': /findings >=CRITICAL open >30d \(rebuild them\): v1 \(1\)/,
};

interface LoopCase {
  label: string;
  snapshot: Snapshot;
  scope: SnapshotScope;
  finding: Finding;
}

const cases: LoopCase[] = (
  await Promise.all(SOURCES.map(async ([source, snapshot]) => {
  const { findings } = await evaluateSnapshot(snapshot, runs);
  return findings
    // Findings that name no runbook (fixed elsewhere, e.g. at the registry) are not replayed.
    .filter((finding) => finding.complianceType === 'NON_COMPLIANT' && finding.remediation !== undefined)
    .map((finding) => ({
      label: `${source}: ${finding.ruleId} ${finding.region} ${finding.resourceId} -> ${finding.remediation!.runbook}`,
      snapshot,
      scope: snapshot.scopes.find((s) => s.accountId === finding.accountId && s.region === finding.region)!,
      finding,
    }))
    // A scope no fake can rebuild faithfully is left to the integration loop (none today: see the guard test).
    .filter((c) => WORLDS.some((world) => world.ruleIds.includes(c.finding.ruleId) && (world.canSeed?.(c.scope) ?? true)));
  }))
).flat();

/** The offered parameters, as an operator runs them: dry run off, an approver named. */
function runParameters(runbookName: string, offered: Record<string, string>): Record<string, unknown> {
  const declared = loadRunbooks().find((runbook) => runbook.name === runbookName)!.document.parameters ?? {};
  return { ...offered, ...('DryRun' in declared ? { DryRun: 'false' } : {}), ...('Approvers' in declared ? { Approvers: [APPROVER] } : {}) };
}

function approvalsOf(runbookName: string): Record<string, 'Approved'> {
  const steps = loadRunbooks().find((runbook) => runbook.name === runbookName)!.document.mainSteps;
  return Object.fromEntries(steps.filter((step) => step.action === 'aws:approve').map((step) => [step.name, 'Approved' as const]));
}

beforeEach(resetWorlds);

/** What the rule's real collector and evaluator say about one resource of the fake now. */
async function verdictOf(run: (typeof runs)[number], scope: SnapshotScope, resourceId: string) {
  const ctx = createCollectContext(
    { accountId: scope.accountId, region: scope.region, partition: scope.partition, clients: new ClientFactory(scope.region) },
    run.params,
    { now: new Date(), logger: silentLogger },
  );
  const facts = await run.rule.collector.collectAll(ctx);
  return (await run.rule.evaluate(facts, run.params, new Date())).find((evaluation) => evaluation.resourceId === resourceId)!;
}

/** Every runbook a rule of the registry offers. */
const REGISTRY_RUNBOOKS = [...new Set(RULES.flatMap((rule) => rule.remediations.map((remediation) => remediation.runbook)))].sort();

describe('remediation loop', () => {
  it('has a closed-loop case for every runbook of the registry (and the registry offers every runbook of automations/)', () => {
    const replayed = new Set(cases.map((c) => c.finding.remediation!.runbook));
    expect(REGISTRY_RUNBOOKS.filter((runbook) => !replayed.has(runbook)), 'runbooks without a closed-loop case').toEqual([]);
    expect(loadRunbooks().map((runbook) => runbook.name).sort()).toEqual(REGISTRY_RUNBOOKS);
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it('has a case that ends Success and one that ends Failed for EnableEcrImageScanning, from both scan types', () => {
    const scanning = cases.filter((c) => c.finding.remediation!.runbook === 'EnableEcrImageScanning').map((c) => `${c.finding.region} ${c.finding.resourceId}`);
    expect(scanning).toEqual(expect.arrayContaining(['eu-west-3 frontend/web', 'eu-west-3 loop/scan-never-scanned', 'eu-west-1 loop/enhanced-never-scanned']));
  });

  it('replays every NON_COMPLIANT finding of the demo estate that offers a runbook (the demo VPCs rebuilt from their facts)', async () => {
    const [, demo] = SOURCES[0]!;
    const { findings } = await evaluateSnapshot(demo, runs);
    const offered = findings.filter((finding) => finding.complianceType === 'NON_COMPLIANT' && finding.remediation !== undefined).map((f) => `${f.ruleId} ${f.resourceId}`);
    const replayed = cases.filter((c) => c.snapshot === demo).map((c) => `${c.finding.ruleId} ${c.finding.resourceId}`);
    expect(replayed.sort()).toEqual(offered.sort());
    expect(replayed.filter((c) => c.startsWith('ecr-vpc-endpoints')).length).toBeGreaterThanOrEqual(4);
  });

  it.each(cases.map((c) => [c.label, c] as const))('%s', async (_label, { snapshot, scope, finding }) => {
    const world = WORLDS.find((candidate) => candidate.ruleIds.includes(finding.ruleId))!;
    world.seed(scope, Date.now() - Date.parse(snapshot.collectedAt));
    const remediation = finding.remediation!;
    const run = runs.find((candidate) => candidate.rule.id === finding.ruleId)!;
    // The fake is faithful: before the run, the rule's collector reads the finding back from it
    // (dates differ: the fake's times are moved to the real clock).
    const before = await verdictOf(run, scope, finding.resourceId);
    const undated = (text: string | undefined) => text?.replace(/\d{4}-\d{2}-\d{2}/g, 'DATE');
    expect({ ...before, annotation: undated(before.annotation) }, 'the seeded fake before the run').toMatchObject({ complianceType: 'NON_COMPLIANT', annotation: undated(finding.annotation) });

    const execution = await runAutomation(remediation.runbook, {
      parameters: runParameters(remediation.runbook, remediation.parameters),
      approvals: approvalsOf(remediation.runbook),
      region: scope.region,
    });

    const after = await verdictOf(run, scope, finding.resourceId);

    if (execution.status === 'Success') {
      expect(after, `${remediation.runbook} ended Success`).toMatchObject({ complianceType: 'COMPLIANT' });
    } else {
      expect(execution.status).toBe('Failed');
      expect(execution.failureMessage).toMatch(/Not fixed/);
      expect(after.complianceType, `${remediation.runbook} failed: ${execution.failureMessage}`).toBe('NON_COMPLIANT');
    }
    const expected = EXPECTED[`${finding.region} ${finding.resourceId}`];
    if (expected) expect(execution.failureMessage ?? 'Success').toMatch(expected);
  });

  it('scans the demo\'s never-scanned image in use after adding the repository to scan on push (basic scanning)', async () => {
    const c = cases.find((candidate) => candidate.finding.resourceId === 'frontend/web' && candidate.finding.ruleId === 'ecr-image-scanning')!;
    scanningWorld.seed(c.scope, Date.now() - Date.parse(c.snapshot.collectedAt));
    const execution = await runAutomation('EnableEcrImageScanning', { parameters: runParameters('EnableEcrImageScanning', c.finding.remediation!.parameters), approvals: {} });
    expect(execution.failureMessage).toBeUndefined();
    expect(execution.outputs['ScanImagesInUse.Result']).toMatch(/^scans started: 1 of 1 /);
  });

  it('never deletes a platform manifest of an image index it keeps (multi-architecture image beside a stale one)', async () => {
    const c = cases.find((candidate) => candidate.finding.resourceId === MULTI_ARCH_REPOSITORY)!;
    expect(c.finding.remediation!.runbook).toBe('DeleteStaleEcrImages');
    ecrWorld.seed(c.scope, Date.now() - Date.parse(c.snapshot.collectedAt));
    const execution = await runAutomation('DeleteStaleEcrImages', { parameters: runParameters('DeleteStaleEcrImages', c.finding.remediation!.parameters), approvals: approvalsOf('DeleteStaleEcrImages') });
    expect(execution.failureMessage).toBeUndefined();
    const left = (await new ECRClient({ region: 'eu-west-3' }).send(new DescribeImagesCommand({ repositoryName: MULTI_ARCH_REPOSITORY }))).imageDetails ?? [];
    expect(left.map((image) => image.imageTags?.[0] ?? image.imageManifestMediaType).sort()).toEqual(['application/vnd.oci.image.manifest.v1+json', 'application/vnd.oci.image.manifest.v1+json', 'v2']);
    expect(execution.outputs['RemoveImages.Removed']).toBe(1);
  });

  it('fixes the issue\'s case: 3 images, 2 stale, with the parameters the report offers', async () => {
    const finding = cases.find((c) => c.finding.resourceId === 'loop/two-of-three-stale')!;
    expect(finding.finding.remediation!.runbook).toBe('DeleteStaleEcrImages');
    ecrWorld.seed(finding.scope, Date.now() - Date.parse(finding.snapshot.collectedAt));
    const execution = await runAutomation('DeleteStaleEcrImages', {
      parameters: runParameters('DeleteStaleEcrImages', finding.finding.remediation!.parameters),
      approvals: approvalsOf('DeleteStaleEcrImages'),
    });
    expect(execution.failureMessage).toBeUndefined();
    expect(execution.outputs['RemoveImages.Removed']).toBe(2);
  });
});
