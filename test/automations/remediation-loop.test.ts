/**
 * The remediation loop closes: for every NON_COMPLIANT finding of the demo estate and of the
 * loop fixtures, run the remediation the JSON report offers (runbook and parameters, approvals
 * granted, dry run off) against a stateful fake of the APIs it touches, then run the rule again
 * (its real collector against the same fake). The run must end Success with the rule now
 * COMPLIANT, or Failed with a message, the rule still NON_COMPLIANT. Success never leaves a finding.
 *
 * To add a rule's runbooks: register a `LoopWorld` in WORLDS (a fake its collector and runbooks
 * share, seeded from the rule's facts); its findings in the demo estate are then replayed, and
 * fixture snapshots can be added to SOURCES.
 */
import { ECRClient } from '@aws-sdk/client-ecr';
import { DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadRunbooks } from '../../automations/catalog.js';
import { ruleRuns } from '../../cli/options.js';
import { evaluateSnapshot, type Finding } from '../../cli/scan.js';
import type { Snapshot, SnapshotScope } from '../../cli/snapshot.js';
import type { EcrRepository } from '../../rules/common/ecr-repositories.js';
import type { RepositoryAccessFacts } from '../../rules/ecr-repository-access/evaluate.js';
import type { ImageFact, StaleImagesFacts } from '../../rules/ecr-stale-images/facts.js';
import { RULES } from '../../rules/index.js';
import { ClientFactory } from '../../rules/kernel/clients.js';
import { createCollectContext } from '../../rules/kernel/context.js';
import { silentLogger } from '../../rules/kernel/logger.js';
import { LOOP_ESTATE } from '../fixtures/remediation-loop/ecr-estate.js';
import { EcrWorld } from '../support/ecr-world.js';
import { runAutomation } from '../support/ssm/interpreter.js';

/** A stateful fake shared by some rules' collectors and their runbooks. */
interface LoopWorld {
  /** The rules whose findings it can replay. */
  ruleIds: string[];
  /** Resets the fake and seeds it from a scope's facts, moving every time by `shiftMs`. */
  seed(scope: SnapshotScope, shiftMs: number): void;
}

const ecr = mockClient(ECRClient);
const organizations = mockClient(OrganizationsClient);

const shifted = (iso: string | undefined, shiftMs: number) => (iso === undefined ? undefined : new Date(Date.parse(iso) + shiftMs));
const ecrWorld: LoopWorld = {
  ruleIds: ['ecr-tag-immutability', 'ecr-stale-images'],
  seed(scope, shiftMs) {
    ecr.reset();
    const world = new EcrWorld();
    const modes = (scope.facts['ecr-tag-immutability'] as { repositories: EcrRepository[] } | undefined)?.repositories ?? [];
    const contents = (scope.facts['ecr-stale-images'] as StaleImagesFacts | undefined)?.repositories ?? [];
    for (const name of new Set([...modes, ...contents].map((r) => r.repositoryName))) {
      const mode = modes.find((r) => r.repositoryName === name);
      const content = contents.find((r) => r.repositoryName === name);
      if (content && !content.images) throw new Error(`loop fixture ${name}: stale-images facts need raw images to seed the fake`);
      world.add(name, {
        ...(mode ? { mode: mode.imageTagMutability, filters: mode.exclusionFilters } : {}),
        tags: { ...content?.tags, ...mode?.tags },
        ...(content?.lifecyclePolicyText !== undefined ? { lifecyclePolicyText: content.lifecyclePolicyText } : {}),
        images: (content?.images ?? []).map((image: ImageFact) => ({
          registryId: scope.accountId,
          repositoryName: name,
          imageDigest: image.imageDigest,
          ...(image.imageTags ? { imageTags: image.imageTags } : {}),
          imagePushedAt: shifted(image.imagePushedAt, shiftMs)!,
          ...(image.lastRecordedPullTime ? { lastRecordedPullTime: shifted(image.lastRecordedPullTime, shiftMs)! } : {}),
          imageSizeInBytes: image.imageSizeInBytes ?? 0,
          imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
          imageStatus: (image.imageStatus ?? 'ACTIVE') as 'ACTIVE',
          ...(image.subjectManifestDigest ? { subjectManifestDigest: image.subjectManifestDigest } : {}),
        })),
      });
    }
    world.install(ecr);
  },
};

/** Repository and registry policies (ecr-repository-access), and the organisation the account is in. */
const accessWorld: LoopWorld = {
  ruleIds: ['ecr-repository-access'],
  seed(scope) {
    ecr.reset();
    organizations.reset();
    const facts = scope.facts['ecr-repository-access'] as RepositoryAccessFacts;
    const world = new EcrWorld();
    for (const repository of facts.repositories) world.add(repository.repositoryName, { tags: repository.tags, ...(repository.policyText !== undefined ? { policyText: repository.policyText } : {}) });
    if (facts.registryPolicyText !== undefined) world.registryPolicyText = facts.registryPolicyText;
    world.replicationRules = facts.replication.map((rule) => ({
      destinations: rule.destinations,
      ...(rule.prefixes.length ? { repositoryFilters: rule.prefixes.map((filter) => ({ filter, filterType: 'PREFIX_MATCH' as const })) } : {}),
    }));
    world.install(ecr);
    if (facts.organizationId) organizations.on(DescribeOrganizationCommand).resolves({ Organization: { Id: facts.organizationId } });
    else organizations.on(DescribeOrganizationCommand).rejects(Object.assign(new Error('not in an organisation'), { name: 'AWSOrganizationsNotInUseException' }));
  },
};

const WORLDS: LoopWorld[] = [ecrWorld, accessWorld];
const SOURCES: Array<[string, Snapshot]> = [
  ['demo estate', JSON.parse(readFileSync(new URL('../../examples/demo-estate.json', import.meta.url), 'utf8')) as Snapshot],
  ['loop fixtures', LOOP_ESTATE],
];

const runs = ruleRuns(RULES.filter((rule) => WORLDS.some((world) => world.ruleIds.includes(rule.id))), []);
const APPROVER = 'arn:aws:iam::111122223333:role/PlatformOwners';

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
      label: `${source}: ${finding.ruleId} ${finding.resourceId} -> ${finding.remediation!.runbook}`,
      snapshot,
      scope: snapshot.scopes.find((s) => s.accountId === finding.accountId && s.region === finding.region)!,
      finding,
    }));
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

beforeEach(() => {
  ecr.reset();
  organizations.reset();
});

describe('remediation loop', () => {
  it('replays every NON_COMPLIANT finding of both sources, covering every runbook the ECR rules offer', () => {
    const offered = new Set(cases.map((c) => c.finding.remediation!.runbook));
    expect([...offered].sort()).toEqual(['ApplyEcrLifecyclePolicy', 'DeleteStaleEcrImages', 'EnableEcrTagImmutability', 'RestrictEcrRepositoryPolicy']);
    expect(cases.length).toBeGreaterThanOrEqual(12);
  });

  it.each(cases.map((c) => [c.label, c] as const))('%s', async (_label, { snapshot, scope, finding }) => {
    const world = WORLDS.find((candidate) => candidate.ruleIds.includes(finding.ruleId))!;
    world.seed(scope, Date.now() - Date.parse(snapshot.collectedAt));
    const remediation = finding.remediation!;

    const execution = await runAutomation(remediation.runbook, {
      parameters: runParameters(remediation.runbook, remediation.parameters),
      approvals: approvalsOf(remediation.runbook),
      region: scope.region,
    });

    const run = runs.find((candidate) => candidate.rule.id === finding.ruleId)!;
    const ctx = createCollectContext(
      { accountId: scope.accountId, region: scope.region, partition: scope.partition, clients: new ClientFactory(scope.region) },
      run.params,
      { now: new Date(), logger: silentLogger },
    );
    const facts = await run.rule.collector.collectAll(ctx);
    const after = (await run.rule.evaluate(facts, run.params, new Date())).find((evaluation) => evaluation.resourceId === finding.resourceId)!;

    if (execution.status === 'Success') {
      expect(after, `${remediation.runbook} ended Success`).toMatchObject({ complianceType: 'COMPLIANT' });
    } else {
      expect(execution.status).toBe('Failed');
      expect(execution.failureMessage).toMatch(/Not fixed/);
      expect(after.complianceType, `${remediation.runbook} failed: ${execution.failureMessage}`).toBe('NON_COMPLIANT');
    }
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
