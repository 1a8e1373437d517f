/**
 * The remediation loop against the emulator: every NON_COMPLIANT finding of the JSON report
 * gets the runbook and parameters its `remediation` offers, run by the project's SSM
 * interpreter (test/support/ssm; its aws:executeScript steps' boto3 calls go through the SDK,
 * hence to AWS_ENDPOINT_URL) with approvals granted and dry run off. Then the CLI evaluates
 * again: a run that ends Success must leave the finding COMPLIANT; otherwise the run must end
 * Failed with a message saying why. Success with the rule still NON_COMPLIANT fails the test.
 */
import { BatchGetImageCommand, DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRunbooks } from '../../automations/catalog.js';
import { indexChildDigests, isIndex } from '../../rules/common/image-index.js';
import type { Finding } from '../../cli/scan.js';
import { RULES } from '../../rules/index.js';
import { runAutomation, type ExecutionResult } from '../support/ssm/interpreter.js';
import { seedEstate, type Estate, type SeededRule } from './estate.js';
import { useEmulator } from './support/emulator.js';
import { scanJson } from './support/verdicts.js';

const REGIONS = ['ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1', 'ap-northeast-2', 'ap-south-1', 'ap-northeast-3'];
const RUNBOOKS = new Map(loadRunbooks().map((runbook) => [runbook.name, runbook]));

/** What an operator running the offered fix chooses: no dry run or preview, approvals granted. */
function operatorRun(finding: Finding, region: string): Promise<ExecutionResult> {
  const remediation = finding.remediation!;
  const runbook = RUNBOOKS.get(remediation.runbook);
  if (!runbook) throw new Error(`${finding.ruleId} offers ${remediation.runbook}, which is not in automations/`);
  const declared = runbook.document.parameters ?? {};
  const parameters: Record<string, unknown> = { ...remediation.parameters };
  if ('DryRun' in declared) parameters.DryRun = 'false';
  if ('Preview' in declared) parameters.Preview = 'false';
  if ('Approvers' in declared) parameters.Approvers = [`arn:aws:iam::${finding.accountId}:role/SecurityApprover`];
  const approvals = Object.fromEntries(runbook.document.mainSteps.filter((step) => step.action === 'aws:approve').map((step) => [step.name, 'Approved' as const]));
  return runAutomation(runbook, { parameters, approvals, region, variables: { 'global:ACCOUNT_ID': finding.accountId } });
}

describe('remediation loop: each NON_COMPLIANT finding is fixed, or its runbook fails saying why', () => {
  let estate: Estate;
  const findings = new Map<string, Finding[]>();
  /** Runbooks the loop ran, with how each run ended. */
  const ran = new Map<string, Set<string>>();
  /** Per rule and resource: the runbook run. */
  const runsOf = new Map<string, Map<string, ExecutionResult>>();

  beforeAll(async () => {
    useEmulator();
    estate = await seedEstate(REGIONS);
    const { report } = await scanJson(['--region', estate.rules.map((r) => r.scope.region).join(',')]);
    for (const seeded of estate.rules) {
      findings.set(
        seeded.ruleId,
        report.results.filter((r) => r.ruleId === seeded.ruleId && r.region === seeded.scope.region && r.complianceType === 'NON_COMPLIANT'),
      );
    }
  });

  it('has a seed for every rule in RULES', () => {
    expect(estate.missing).toEqual([]);
  });

  it.each(RULES.map((rule) => rule.id))('%s', async (ruleId) => {
    const seeded = estate.rules.find((r) => r.ruleId === ruleId) as SeededRule;
    const todo = findings.get(ruleId) ?? [];
    // The seed holds NON_COMPLIANT cases, so the loop really runs.
    expect(todo.length).toBe(Object.values(seeded.truth).filter((e) => e.complianceType === 'NON_COMPLIANT').length);
    const runs = new Map<string, ExecutionResult>();
    runsOf.set(ruleId, runs);
    for (const finding of todo) {
      // DNS that bypasses the VPC resolver is not the runbook's to change: no runbook, the rule names the setting.
      if (!finding.remediation && ruleId === 'ecr-vpc-endpoints') {
        expect(finding.annotation).toMatch(/DHCP options|Resolver rule/);
        continue;
      }
      expect(finding.remediation, `${finding.resourceId}: a NON_COMPLIANT finding offers a runbook`).toBeDefined();
      const run = await operatorRun(finding, seeded.scope.region);
      runs.set(finding.resourceId, run);
      ran.set(finding.remediation!.runbook, (ran.get(finding.remediation!.runbook) ?? new Set()).add(run.status));
    }
    const { report } = await scanJson(['--region', seeded.scope.region, '--rules', ruleId]);
    for (const finding of todo) {
      const run = runs.get(finding.resourceId);
      if (!run) continue;
      const after = report.results.find((r) => r.resourceId === finding.resourceId);
      const label = `${finding.resourceId} (${seeded.truth[finding.resourceId]?.case}): ${finding.remediation!.runbook} ended ${run.status}${run.failureMessage ? ` (${run.failureMessage})` : ''}; the rule now says ${after?.complianceType}: ${after?.annotation}`;
      if (run.status === 'Success') expect.soft(after?.complianceType, label).toBe('COMPLIANT');
      else {
        expect.soft(run.status, label).toBe('Failed');
        expect.soft(run.failureMessage ?? '', label).not.toBe('');
        expect.soft(after?.complianceType, label).toBe('NON_COMPLIANT');
      }
    }
  });

  // A platform manifest listed by an image index inherits the index's tags and use; a runbook never
  // deletes a child of an index it keeps (issue 12). Seeded in seed/ecr-stale-images.ts.
  it('ecr-stale-images: after the runbooks, every image index left still has all its platform manifests', async () => {
    const seeded = estate.rules.find((r) => r.ruleId === 'ecr-stale-images')!;
    const ecr = new ECRClient({ region: seeded.scope.region });
    const multiArch = Object.keys(seeded.truth).filter((name) => name.includes('stale-multiarch'));
    expect(multiArch).toHaveLength(2);
    // The mixed repository's stale image was removed by DeleteStaleEcrImages, which ended Success.
    const mixed = multiArch.find((name) => name.includes('mixed'))!;
    expect(runsOf.get('ecr-stale-images')?.get(mixed)?.status).toBe('Success');
    for (const repositoryName of multiArch) {
      const images = (await ecr.send(new DescribeImagesCommand({ repositoryName }))).imageDetails ?? [];
      const indexes = images.filter((image) => isIndex(image.imageManifestMediaType));
      expect(indexes, repositoryName).toHaveLength(1);
      expect(images.some((image) => image.imageTags?.includes('ancient')), repositoryName).toBe(false);
      const [index] = (await ecr.send(new BatchGetImageCommand({ repositoryName, imageIds: [{ imageDigest: indexes[0]!.imageDigest }] }))).images ?? [];
      const children = indexChildDigests(index?.imageManifest ?? '') ?? [];
      expect(children, repositoryName).toHaveLength(2);
      const present = new Set(images.map((image) => image.imageDigest));
      expect(children.filter((digest) => !present.has(digest)), `${repositoryName}: platform manifests deleted`).toEqual([]);
    }
  });

  it('ecr-image-scanning: the offered run scans the image in use through the emulator and, as the emulator reports no scan status, fails naming it', () => {
    const seeded = estate.rules.find((r) => r.ruleId === 'ecr-image-scanning')!;
    const name = Object.keys(seeded.truth).find((resource) => resource.includes('unscanned-image'))!;
    const run = runsOf.get('ecr-image-scanning')?.get(name);
    expect(run?.outputs['ScanImagesInUse.Result']).toBe('scans started: 1 of 1 image(s) in use without results or with a FAILED scan');
    expect(run?.status).toBe('Failed');
    expect(run?.failureMessage).toMatch(/Not fixed: pushes to .* are now scanned, but ecr-image-scanning still finds 1 image\(s\) in use without scan results: v1 \(NEVER_SCANNED\)/);
  });

  it('ran every runbook of automations/ against the emulator, at least once to Success', () => {
    const all = [...RUNBOOKS.keys()].sort();
    expect([...ran.keys()].sort()).toEqual(all);
    expect(all.filter((name) => !ran.get(name)?.has('Success'))).toEqual([]);
  });
});
