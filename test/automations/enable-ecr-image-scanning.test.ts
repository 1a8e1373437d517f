/**
 * EnableEcrImageScanning executed step by step against mocked ECR and Inspector.
 * Shapes: https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutRegistryScanningConfiguration.html
 * (rules: at most 2), https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_RegistryScanningRule.html
 * (repositoryFilters: at most 100), https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_StartImageScan.html
 * (LimitExceededException: one basic scan per image per day).
 */
import {
  BatchGetRepositoryScanningConfigurationCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetRegistryScanningConfigurationCommand,
  ImageNotFoundException,
  LimitExceededException,
  PutRegistryScanningConfigurationCommand,
  StartImageScanCommand,
  UnsupportedImageTypeException,
  type RegistryScanningRule,
} from '@aws-sdk/client-ecr';
import { BatchGetAccountStatusCommand, Inspector2Client, ListFindingsCommand } from '@aws-sdk/client-inspector2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ImageScanningParams } from '../../rules/ecr-image-scanning/evaluate.js';
import { rule } from '../../rules/ecr-image-scanning/rule.js';
import { defaultRuleParameters } from '../../rules/kernel/parameters.js';
import { InvalidParameterError, mutatingCalls, runAutomation } from '../support/ssm/interpreter.js';
import { ACCOUNT, repository, ROLE_ARN } from './ecr-fixtures.js';

const ecr = mockClient(ECRClient);
const inspector = mockClient(Inspector2Client);
const RUNBOOK = 'EnableEcrImageScanning';
const NAME = 'team-a/payments-api';
const base = { RepositoryName: NAME, AutomationAssumeRole: ROLE_ARN };

const registry = (scanType: 'BASIC' | 'ENHANCED', rules: RegistryScanningRule[]) => ({ registryId: ACCOUNT, scanningConfiguration: { scanType, rules } });
const wildcard = (...filters: string[]) => filters.map((filter) => ({ filter, filterType: 'WILDCARD' as const }));
const effective = (scanFrequency: 'SCAN_ON_PUSH' | 'CONTINUOUS_SCAN' | 'MANUAL', applied: string[] = []) => ({
  scanningConfigurations: [{ repositoryName: NAME, repositoryArn: repository(NAME).repositoryArn, scanOnPush: false, scanFrequency, appliedScanFilters: wildcard(...applied) }],
  failures: [],
});

beforeEach(() => {
  ecr.reset();
  inspector.reset();
  ecr.on(DescribeRepositoriesCommand).resolves({ repositories: [repository(NAME)] });
  ecr.on(DescribeImagesCommand).resolves({ imageDetails: [] });
  inspector.on(ListFindingsCommand).resolves({ findings: [] });
});

describe('EnableEcrImageScanning', () => {
  it('merges the repository into the existing scan-on-push rule, keeping every rule and filter, and verifies', async () => {
    const before = registry('BASIC', [{ scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: wildcard('team-b/*') }]);
    ecr.on(GetRegistryScanningConfigurationCommand).resolvesOnce(before).resolvesOnce(before).resolves(registry('BASIC', [{ scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: wildcard('team-b/*', NAME) }]));
    ecr.on(BatchGetRepositoryScanningConfigurationCommand).resolvesOnce(effective('MANUAL')).resolves(effective('SCAN_ON_PUSH', [NAME]));
    ecr.on(PutRegistryScanningConfigurationCommand).resolves({});

    const result = await runAutomation(RUNBOOK, { parameters: base });

    expect(result.failureMessage).toBeUndefined();
    expect(result.status).toBe('Success');
    expect(result.executedSteps).toEqual(['DescribeRepository', 'PlanScanning', 'CheckChanged', 'CheckConfigurationUnchanged', 'PutRegistryScanning', 'ChooseScanNow', 'VerifyImageScanning']);
    expect(result.outputs['PlanScanning.FrequencyBefore']).toBe('MANUAL');
    expect(mutatingCalls(result).map((call) => call.action)).toEqual(['ecr:PutRegistryScanningConfiguration']);
    expect(ecr).toHaveReceivedCommandWith(PutRegistryScanningConfigurationCommand, {
      scanType: 'BASIC',
      rules: [{ scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: wildcard('team-b/*', NAME) }],
    });
    expect(inspector.calls()).toHaveLength(0);
  });

  it('ENHANCED stays ENHANCED: adds a SCAN_ON_PUSH rule beside the continuous one; verification checks Inspector', async () => {
    const before = registry('ENHANCED', [{ scanFrequency: 'CONTINUOUS_SCAN', repositoryFilters: wildcard('prod-*') }]);
    ecr.on(GetRegistryScanningConfigurationCommand).resolvesOnce(before).resolvesOnce(before).resolves(registry('ENHANCED', [...before.scanningConfiguration.rules, { scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: wildcard(NAME) }]));
    ecr.on(BatchGetRepositoryScanningConfigurationCommand).resolvesOnce(effective('MANUAL')).resolves(effective('SCAN_ON_PUSH', [NAME]));
    ecr.on(PutRegistryScanningConfigurationCommand).resolves({});
    inspector.on(BatchGetAccountStatusCommand).resolves({
      accounts: [{ accountId: ACCOUNT, state: { status: 'ENABLED', errorCode: 'ALREADY_ENABLED', errorMessage: '' }, resourceState: { ec2: { status: 'DISABLED', errorCode: 'RESOURCE_NOT_FOUND', errorMessage: '' }, ecr: { status: 'ENABLED', errorCode: 'ALREADY_ENABLED', errorMessage: '' } } }],
    });

    const result = await runAutomation(RUNBOOK, { parameters: base });

    expect(result.failureMessage).toBeUndefined();
    expect(ecr).toHaveReceivedCommandWith(PutRegistryScanningConfigurationCommand, {
      scanType: 'ENHANCED',
      rules: [
        { scanFrequency: 'CONTINUOUS_SCAN', repositoryFilters: wildcard('prod-*') },
        { scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: wildcard(NAME) },
      ],
    });
    expect(inspector).toHaveReceivedCommandWith(BatchGetAccountStatusCommand, { accountIds: [ACCOUNT] });
  });

  it('ENHANCED with Inspector off fails the verification, saying what to do', async () => {
    ecr.on(GetRegistryScanningConfigurationCommand).resolves(registry('ENHANCED', [{ scanFrequency: 'CONTINUOUS_SCAN', repositoryFilters: wildcard('*') }]));
    ecr.on(BatchGetRepositoryScanningConfigurationCommand).resolves(effective('CONTINUOUS_SCAN', ['*']));
    inspector.on(BatchGetAccountStatusCommand).resolves({
      accounts: [{ accountId: ACCOUNT, state: { status: 'DISABLED', errorCode: 'RESOURCE_NOT_FOUND', errorMessage: '' }, resourceState: { ec2: { status: 'DISABLED', errorCode: 'RESOURCE_NOT_FOUND', errorMessage: '' }, ecr: { status: 'DISABLED', errorCode: 'RESOURCE_NOT_FOUND', errorMessage: '' } } }],
    });

    const result = await runAutomation(RUNBOOK, { parameters: base });

    expect(result.status).toBe('Failed');
    expect(result.failureMessage).toMatch(/^VerifyImageScanning: script failed: ValueError: Not fixed: enhanced scanning is configured but Amazon Inspector ECR scanning is DISABLED/);
    expect(mutatingCalls(result)).toEqual([]);
  });

  // Writing an ENHANCED configuration calls Amazon Inspector with the caller's permissions, which
  // include inspector2:Enable (https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-enhanced-iam.html):
  // with Inspector's ECR scanning off the write could turn it on for the whole account (billed per
  // image), a decision the rule leaves to a person. The verification would fail anyway: fail first.
  it('ENHANCED with Inspector off: fails before writing, changing nothing', async () => {
    ecr.on(GetRegistryScanningConfigurationCommand).resolves(registry('ENHANCED', [{ scanFrequency: 'CONTINUOUS_SCAN', repositoryFilters: wildcard('prod-*') }]));
    ecr.on(BatchGetRepositoryScanningConfigurationCommand).resolves(effective('MANUAL'));
    ecr.on(PutRegistryScanningConfigurationCommand).resolves({});
    inspector.on(BatchGetAccountStatusCommand).resolves({
      accounts: [{ accountId: ACCOUNT, state: { status: 'ENABLED', errorCode: 'ALREADY_ENABLED', errorMessage: '' }, resourceState: { ec2: { status: 'ENABLED', errorCode: 'ALREADY_ENABLED', errorMessage: '' }, ecr: { status: 'DISABLED', errorCode: 'RESOURCE_NOT_FOUND', errorMessage: '' } } }],
    });

    const result = await runAutomation(RUNBOOK, { parameters: base });

    expect(result.status).toBe('Failed');
    expect(result.failureMessage).toMatch(/^PlanScanning: script failed: ValueError: The registry uses ENHANCED scanning but Amazon Inspector ECR scanning is DISABLED; nothing was changed/);
    expect(mutatingCalls(result)).toEqual([]);
    expect(inspector).toHaveReceivedCommandWith(BatchGetAccountStatusCommand, { accountIds: [ACCOUNT] });
  });

  it('makes 0 writes on a repository whose pushes are already scanned (idempotent)', async () => {
    ecr.on(GetRegistryScanningConfigurationCommand).resolves(registry('BASIC', [{ scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: wildcard('team-a') }]));
    ecr.on(BatchGetRepositoryScanningConfigurationCommand).resolves(effective('SCAN_ON_PUSH', ['team-a']));

    const result = await runAutomation(RUNBOOK, { parameters: base });

    expect(result.status).toBe('Success');
    expect(result.executedSteps).toEqual(['DescribeRepository', 'PlanScanning', 'CheckChanged', 'ChooseScanNow', 'VerifyImageScanning']);
    expect(result.outputs['PlanScanning.Changed']).toBe(false);
    expect(mutatingCalls(result)).toEqual([]);
  });

  it('Scope=registry adds * once; a second run writes nothing', async () => {
    const before = registry('BASIC', [{ scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: wildcard('team-b/*') }]);
    const after = registry('BASIC', [{ scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: wildcard('team-b/*', '*') }]);
    ecr.on(GetRegistryScanningConfigurationCommand).resolvesOnce(before).resolvesOnce(before).resolves(after);
    ecr.on(BatchGetRepositoryScanningConfigurationCommand).resolvesOnce(effective('MANUAL')).resolves(effective('SCAN_ON_PUSH', ['*']));
    ecr.on(PutRegistryScanningConfigurationCommand).resolves({});

    const first = await runAutomation(RUNBOOK, { parameters: { ...base, Scope: 'registry' } });
    const second = await runAutomation(RUNBOOK, { parameters: { ...base, Scope: 'registry' } });

    expect(first.status).toBe('Success');
    expect(ecr).toHaveReceivedCommandWith(PutRegistryScanningConfigurationCommand, { rules: [{ scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: wildcard('team-b/*', '*') }] });
    expect(second.status).toBe('Success');
    expect(mutatingCalls(second)).toEqual([]);
  });

  it("fails at ECR's limit of 100 filters, changing nothing and suggesting a wildcard", async () => {
    const full = Array.from({ length: 100 }, (_, i) => `team-a/service-${i}`);
    ecr.on(GetRegistryScanningConfigurationCommand).resolves(registry('BASIC', [{ scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: wildcard(...full) }]));
    ecr.on(BatchGetRepositoryScanningConfigurationCommand).resolves(effective('MANUAL'));

    const result = await runAutomation(RUNBOOK, { parameters: base });

    expect(result.status).toBe('Failed');
    expect(result.failureMessage).toMatch(/maximum of 100 filters; nothing was changed\. Replace specific names with a wildcard filter \(for example team-a\/\*\) or run with Scope=registry/);
    expect(mutatingCalls(result)).toEqual([]);
  });

  it('writes nothing when the configuration changed after it was read (no lost update)', async () => {
    ecr
      .on(GetRegistryScanningConfigurationCommand)
      .resolvesOnce(registry('BASIC', []))
      .resolves(registry('BASIC', [{ scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: wildcard('someone-else/*') }]));
    ecr.on(BatchGetRepositoryScanningConfigurationCommand).resolves(effective('MANUAL'));

    const result = await runAutomation(RUNBOOK, { parameters: base });

    expect(result.status).toBe('Failed');
    expect(result.failureMessage).toMatch(/^CheckConfigurationUnchanged: .*changed after it was read; nothing was written/);
    expect(ecr).not.toHaveReceivedCommand(PutRegistryScanningConfigurationCommand);
  });

  // Scan on push scans later pushes; StartImageScan starts a basic scan, once per image per 24 hours
  // (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_StartImageScan.html). Images with
  // results are never rescanned: a new scan would reset the age the rule gives their findings.
  it('ScanNow scans each image in use without results or with a FAILED scan, never one with results; a limit error names the image', async () => {
    const digest = (c: string) => 'sha256:' + c.repeat(64);
    const recent = new Date(Date.now() - 2 * 86_400_000);
    ecr.on(GetRegistryScanningConfigurationCommand).resolves(registry('BASIC', [{ scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: wildcard('*') }]));
    ecr.on(BatchGetRepositoryScanningConfigurationCommand).resolves(effective('SCAN_ON_PUSH', ['*']));
    const images = [
      { imageDigest: digest('a'), imageTags: ['never'], imagePushedAt: recent },
      { imageDigest: digest('b'), imageTags: ['failed'], imagePushedAt: recent, imageScanStatus: { status: 'FAILED' as const } },
      { imageDigest: digest('c'), imageTags: ['done'], imagePushedAt: recent, imageScanStatus: { status: 'COMPLETE' as const } },
      { imageDigest: digest('d'), imageTags: ['old'], imagePushedAt: new Date('2025-01-01T00:00:00Z') },
      { imageDigest: digest('e'), imageTags: ['archived'], imagePushedAt: recent, imageScanStatus: { status: 'IMAGE_ARCHIVED' as const } },
    ];
    // After the scans: what ECR shows (the limited image keeps no results).
    const after = images.map((i) => (i.imageDigest === digest('b') ? { ...i, imageScanStatus: { status: 'IN_PROGRESS' as const } } : i.imageDigest === digest('a') ? { ...i, imageScanStatus: { status: 'LIMIT_EXCEEDED' as const } } : i));
    ecr.on(DescribeImagesCommand).resolvesOnce({ imageDetails: images }).resolves({ imageDetails: after });
    ecr.on(StartImageScanCommand, { imageId: { imageDigest: digest('a') } }).rejects(new LimitExceededException({ message: 'The scan quota per image has been exceeded. Wait and try again.', $metadata: {} }));
    ecr.on(StartImageScanCommand, { imageId: { imageDigest: digest('b') } }).resolves({ imageScanStatus: { status: 'IN_PROGRESS' } });

    const result = await runAutomation(RUNBOOK, { parameters: { ...base, ScanNow: 'true' } });

    expect(ecr.commandCalls(StartImageScanCommand).map((call) => call.args[0].input.imageId?.imageDigest)).toEqual([digest('a'), digest('b')]);
    expect(result.outputs['ScanImagesInUse.Result']).toBe(`scans started: 1 of 2 image(s) in use without results or with a FAILED scan; already scanned within 24 hours (ECR limit): ${digest('a')}`);
    // The rule still finds the image without results (and the archived one): Failed, naming them.
    expect(result.status).toBe('Failed');
    expect(result.failureMessage).toMatch(/Not fixed: pushes to team-a\/payments-api are now scanned, but ecr-image-scanning still finds 2 image\(s\) in use without scan results: never \(LIMIT_EXCEEDED\), archived \(IMAGE_ARCHIVED\)/);
  });

  // StartImageScan raises UnsupportedImageTypeException for an image the scanner cannot scan and
  // ImageNotFoundException for one deleted since it was listed
  // (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_StartImageScan.html, Errors):
  // one such image must not stop the scans of the others nor fail the run before the verification.
  it('ScanNow goes on past an image the scanner cannot scan or that was deleted meanwhile, and names them', async () => {
    const digest = (c: string) => 'sha256:' + c.repeat(64);
    const recent = new Date(Date.now() - 86_400_000);
    ecr.on(GetRegistryScanningConfigurationCommand).resolves(registry('BASIC', [{ scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: wildcard('*') }]));
    ecr.on(BatchGetRepositoryScanningConfigurationCommand).resolves(effective('SCAN_ON_PUSH', ['*']));
    const images = ['a', 'b', 'c'].map((c) => ({ imageDigest: digest(c), imageTags: [`t-${c}`], imagePushedAt: recent }));
    ecr.on(DescribeImagesCommand).resolvesOnce({ imageDetails: images }).resolves({ imageDetails: images.map((i) => ({ ...i, imageScanStatus: { status: 'IN_PROGRESS' as const } })) });
    ecr.on(StartImageScanCommand, { imageId: { imageDigest: digest('a') } }).rejects(new UnsupportedImageTypeException({ message: 'The image is of a type that cannot be scanned.', $metadata: {} }));
    ecr.on(StartImageScanCommand, { imageId: { imageDigest: digest('b') } }).rejects(new ImageNotFoundException({ message: 'The image requested does not exist in the specified repository.', $metadata: {} }));
    ecr.on(StartImageScanCommand, { imageId: { imageDigest: digest('c') } }).resolves({ imageScanStatus: { status: 'IN_PROGRESS' } });

    const result = await runAutomation(RUNBOOK, { parameters: { ...base, ScanNow: 'true' } });

    expect(result.failureMessage).toBeUndefined();
    expect(ecr.commandCalls(StartImageScanCommand).map((call) => call.args[0].input.imageId?.imageDigest)).toEqual([digest('a'), digest('b'), digest('c')]);
    expect(result.outputs['ScanImagesInUse.Result']).toBe(
      `scans started: 1 of 3 image(s) in use without results or with a FAILED scan; cannot be scanned (unsupported image type): ${digest('a')}; deleted since listed: ${digest('b')}`,
    );
    expect(result.status).toBe('Success');
  });

  // An image index / manifest list gets no scan of its own (StartImageScan refuses it:
  // https://github.com/docker/setup-buildx-action/issues/186); its images are scanned and judged.
  it('ScanNow scans the images an index lists, not the index; the rule and the verification accept the index', async () => {
    const digest = (c: string) => 'sha256:' + c.repeat(64);
    const recent = new Date(Date.now() - 86_400_000);
    ecr.on(GetRegistryScanningConfigurationCommand).resolves(registry('BASIC', [{ scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: wildcard('*') }]));
    ecr.on(BatchGetRepositoryScanningConfigurationCommand).resolves(effective('SCAN_ON_PUSH', ['*']));
    const index = { imageDigest: digest('1'), imageTags: ['v1'], imagePushedAt: recent, imageManifestMediaType: 'application/vnd.oci.image.index.v1+json' };
    const amd64 = { imageDigest: digest('2'), imagePushedAt: recent, imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json' };
    ecr.on(DescribeImagesCommand).resolvesOnce({ imageDetails: [index, amd64] }).resolves({ imageDetails: [index, { ...amd64, imageScanStatus: { status: 'IN_PROGRESS' as const } }] });
    ecr.on(StartImageScanCommand, { imageId: { imageDigest: digest('1') } }).rejects(new UnsupportedImageTypeException({ message: "An artifact with media type 'application/vnd.oci.image.index.v1+json' cannot be scanned.", $metadata: {} }));
    ecr.on(StartImageScanCommand, { imageId: { imageDigest: digest('2') } }).resolves({ imageScanStatus: { status: 'IN_PROGRESS' } });

    const result = await runAutomation(RUNBOOK, { parameters: { ...base, ScanNow: 'true' } });

    expect(ecr.commandCalls(StartImageScanCommand).map((call) => call.args[0].input.imageId?.imageDigest)).toEqual([digest('2')]);
    expect(result.failureMessage).toBeUndefined();
    expect(result.status).toBe('Success');
    const [evaluation] = rule.evaluate(
      { registry: { scanType: 'BASIC', rules: [] }, repositories: [{ repositoryName: NAME, tags: {}, scanning: { scanFrequency: 'SCAN_ON_PUSH', appliedScanFilters: ['*'] }, images: [{ ...index, imagePushedAt: recent.toISOString() }] }] },
      defaultRuleParameters<ImageScanningParams>(rule.id, rule.parameters),
      new Date(),
    );
    expect(evaluation!.complianceType).toBe('COMPLIANT');
  });

  it('starts at most 500 scans in a run and says how many are left for another', async () => {
    ecr.on(GetRegistryScanningConfigurationCommand).resolves(registry('BASIC', [{ scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: wildcard('*') }]));
    ecr.on(BatchGetRepositoryScanningConfigurationCommand).resolves(effective('SCAN_ON_PUSH', ['*']));
    const pushed = new Date(Date.now() - 86_400_000);
    ecr.on(DescribeImagesCommand).resolves({ imageDetails: Array.from({ length: 502 }, (_, i) => ({ imageDigest: `sha256:${i.toString(16).padStart(64, '0')}`, imagePushedAt: pushed })) });
    ecr.on(StartImageScanCommand).resolves({ imageScanStatus: { status: 'IN_PROGRESS' } });

    const result = await runAutomation(RUNBOOK, { parameters: { ...base, ScanNow: 'true' } });

    expect(ecr.commandCalls(StartImageScanCommand)).toHaveLength(500);
    expect(result.outputs['ScanImagesInUse.Result']).toBe('scans started: 500 of 502 image(s) in use without results or with a FAILED scan; 2 left for another run (at most 500 scans per run)');
  });

  it('enhanced scanning starts no scan (Amazon Inspector scans) and fails naming images still without results', async () => {
    ecr.on(GetRegistryScanningConfigurationCommand).resolves(registry('ENHANCED', [{ scanFrequency: 'CONTINUOUS_SCAN', repositoryFilters: wildcard('*') }]));
    ecr.on(BatchGetRepositoryScanningConfigurationCommand).resolves(effective('CONTINUOUS_SCAN', ['*']));
    inspector.on(BatchGetAccountStatusCommand).resolves({ accounts: [{ accountId: ACCOUNT, state: { status: 'ENABLED', errorCode: 'ALREADY_ENABLED', errorMessage: '' }, resourceState: { ec2: { status: 'DISABLED', errorCode: 'RESOURCE_NOT_FOUND', errorMessage: '' }, ecr: { status: 'ENABLED', errorCode: 'ALREADY_ENABLED', errorMessage: '' } } }] });
    inspector.on(ListFindingsCommand).resolves({ findings: [] });
    ecr.on(DescribeImagesCommand).resolves({ imageDetails: [{ imageDigest: 'sha256:' + 'f'.repeat(64), imageTags: ['v1'], imagePushedAt: new Date() }] });

    const result = await runAutomation(RUNBOOK, { parameters: { ...base, ScanNow: 'true' } });

    expect(ecr).not.toHaveReceivedCommand(StartImageScanCommand);
    expect(result.outputs['ScanImagesInUse.Result']).toBe('not started: ENHANCED scanning scans images itself');
    expect(result.failureMessage).toMatch(/still finds 1 image\(s\) in use without scan results: v1 \(NEVER_SCANNED\)/);
    expect(inspector).toHaveReceivedCommandWith(ListFindingsCommand, { filterCriteria: expect.objectContaining({ ecrImageRepositoryName: [{ comparison: 'EQUALS', value: NAME }], severity: [{ comparison: 'EQUALS', value: 'CRITICAL' }] }) });
  });

  it.each([
    [{ Scope: 'account' }, /Scope/],
    [{ ScanNow: 'yes' }, /ScanNow/],
    [{ RepositoryName: 'Bad Name' }, /RepositoryName/],
  ])('rejects invalid parameters at start: %j', async (parameters, message) => {
    await expect(runAutomation(RUNBOOK, { parameters: { ...base, ...parameters } })).rejects.toThrow(InvalidParameterError);
    await expect(runAutomation(RUNBOOK, { parameters: { ...base, ...parameters } })).rejects.toThrow(message);
  });

  it('accepts the parameters the rule passes', async () => {
    ecr.on(GetRegistryScanningConfigurationCommand).resolves(registry('BASIC', [{ scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: wildcard('*') }]));
    ecr.on(BatchGetRepositoryScanningConfigurationCommand).resolves(effective('SCAN_ON_PUSH', ['*']));
    const passed = rule.remediations[0].parameters!({ InUseDays: 30, MaxFindingSeverity: 'CRITICAL', MaxFindingAgeDays: 30, VulnerabilityCheck: true, ExemptionTagKey: 'x', Concurrency: 8 });
    const result = await runAutomation(RUNBOOK, { parameters: { ...base, ...passed } });
    expect(result.status).toBe('Success');
  });
});
