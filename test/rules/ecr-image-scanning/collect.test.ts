/**
 * ecr-image-scanning collector against mocked ECR and Amazon Inspector, responses shaped as
 * documented:
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchGetRepositoryScanningConfiguration.html (max 25 names)
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetRegistryScanningConfiguration.html
 * https://docs.aws.amazon.com/inspector/v2/APIReference/API_BatchGetAccountStatus.html
 * https://docs.aws.amazon.com/inspector/v2/APIReference/API_ListFindings.html (maxResults 100)
 */
import {
  BatchGetRepositoryScanningConfigurationCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetRegistryScanningConfigurationCommand,
  ListTagsForResourceCommand,
  type ImageDetail,
} from '@aws-sdk/client-ecr';
import { BatchGetAccountStatusCommand, Inspector2Client, ListFindingsCommand, type AccountState, type Finding, type State } from '@aws-sdk/client-inspector2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { collector, oldFindingsFilter, SCANNING_BATCH } from '../../../rules/ecr-image-scanning/collect.js';
import { evaluate, type ImageScanningParams } from '../../../rules/ecr-image-scanning/evaluate.js';
import { rule } from '../../../rules/ecr-image-scanning/rule.js';
import { ClientFactory } from '../../../rules/kernel/clients.js';
import { normaliseEventItem } from '../../../rules/kernel/config-item.js';
import { createCollectContext } from '../../../rules/kernel/context.js';
import { AwsCallError } from '../../../rules/kernel/errors.js';
import { silentLogger } from '../../../rules/kernel/logger.js';
import { defaultRuleParameters } from '../../../rules/kernel/parameters.js';
import { configurationItem, MEMBER_ACCOUNT, REGION } from '../../support/config-events.js';
import { ecrRepository, ecrRepositoryConfiguration } from '../../support/ecr.js';

const ecr = mockClient(ECRClient);
const inspector = mockClient(Inspector2Client);
const NOW = new Date('2026-11-20T09:00:00Z');
const params = defaultRuleParameters<ImageScanningParams>(rule.id, rule.parameters);
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);
const context = () =>
  createCollectContext({ accountId: MEMBER_ACCOUNT, region: REGION, partition: 'aws', clients: new ClientFactory(REGION) }, params, { now: NOW, logger: silentLogger });

const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;
function imageDetail(name: string, n: number, extra: Partial<ImageDetail> = {}): ImageDetail {
  return {
    registryId: MEMBER_ACCOUNT,
    repositoryName: name,
    imageDigest: digest(n),
    imageTags: [`v${n}`],
    imageSizeInBytes: 52_428_800,
    imagePushedAt: daysAgo(40),
    lastRecordedPullTime: daysAgo(1),
    imageManifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    imageScanStatus: { status: 'COMPLETE', description: 'The scan was completed successfully.' },
    imageScanFindingsSummary: { imageScanCompletedAt: daysAgo(40), vulnerabilitySourceUpdatedAt: daysAgo(41), findingSeverityCounts: {} },
    ...extra,
  };
}
function finding(name: string, n: number, severity: 'CRITICAL' | 'HIGH', firstObservedDaysAgo: number): Finding {
  return {
    findingArn: `arn:aws:inspector2:${REGION}:${MEMBER_ACCOUNT}:finding/${name.replace('/', '')}${n}${severity}`,
    awsAccountId: MEMBER_ACCOUNT,
    type: 'PACKAGE_VULNERABILITY',
    description: 'A vulnerability in openssl.',
    remediation: {},
    severity,
    firstObservedAt: daysAgo(firstObservedDaysAgo),
    lastObservedAt: daysAgo(1),
    status: 'ACTIVE',
    resources: [
      {
        type: 'AWS_ECR_CONTAINER_IMAGE',
        id: `arn:aws:ecr:${REGION}:${MEMBER_ACCOUNT}:repository/${name}/${digest(n)}`,
        details: { awsEcrContainerImage: { repositoryName: name, imageHash: digest(n), registry: MEMBER_ACCOUNT, imageTags: [`v${n}`] } },
      },
    ],
  };
}

/** AccountState as BatchGetAccountStatus returns it (State has status, errorCode and errorMessage). */
function accountState(account: 'ENABLED' | 'DISABLED', ecrStatus: 'ENABLED' | 'DISABLED' | 'SUSPENDED'): AccountState {
  const state = (status: typeof ecrStatus): State => ({ status, errorCode: status === 'ENABLED' ? 'ALREADY_ENABLED' : 'RESOURCE_NOT_FOUND', errorMessage: '' });
  return { accountId: MEMBER_ACCOUNT, state: state(account), resourceState: { ec2: state('DISABLED'), ecr: state(ecrStatus) } };
}

function estate(names: string[], tags: Record<string, Record<string, string>> = {}) {
  ecr.on(DescribeRepositoriesCommand).resolves({ repositories: names.map((name) => ecrRepository(name)) });
  for (const name of names) {
    ecr.on(ListTagsForResourceCommand, { resourceArn: ecrRepository(name).repositoryArn }).resolves({ tags: Object.entries(tags[name] ?? {}).map(([Key, Value]) => ({ Key, Value })) });
  }
  ecr.on(BatchGetRepositoryScanningConfigurationCommand).callsFake((input: { repositoryNames: string[] }) => ({
    scanningConfigurations: input.repositoryNames.map((repositoryName) => ({
      repositoryName,
      repositoryArn: ecrRepository(repositoryName).repositoryArn,
      scanOnPush: false,
      scanFrequency: 'SCAN_ON_PUSH',
      appliedScanFilters: [{ filter: '*', filterType: 'WILDCARD' }],
    })),
    failures: [],
  }));
}

beforeEach(() => {
  ecr.reset();
  inspector.reset();
});

describe('ecr-image-scanning collector', () => {
  it('BASIC: reads the effective configuration 25 names per call and never calls Inspector', async () => {
    const names = Array.from({ length: 30 }, (_, i) => `team/app-${i}`);
    estate(names);
    ecr.on(GetRegistryScanningConfigurationCommand).resolves({ registryId: MEMBER_ACCOUNT, scanningConfiguration: { scanType: 'BASIC', rules: [{ scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: [{ filter: '*', filterType: 'WILDCARD' }] }] } });
    ecr.on(DescribeImagesCommand).callsFake((input: { repositoryName: string }) => ({ imageDetails: [imageDetail(input.repositoryName, 1, { imageScanFindingsSummary: { imageScanCompletedAt: daysAgo(40), findingSeverityCounts: { CRITICAL: 2 } } })] }));

    const facts = await collector.collectAll(context());

    const batches = ecr.commandCalls(BatchGetRepositoryScanningConfigurationCommand).map((call) => call.args[0].input.repositoryNames!.length);
    expect(batches.sort((a, b) => b - a)).toEqual([SCANNING_BATCH, 5]);
    expect(inspector.calls()).toHaveLength(0);
    expect(facts.registry).toEqual({ scanType: 'BASIC', rules: [{ scanFrequency: 'SCAN_ON_PUSH', filters: ['*'] }] });
    expect(facts.repositories).toHaveLength(30);
    expect(facts.repositories[0]!.summary).toMatchObject({ images: 1, inUse: 1, vulnerableImages: 1, oldFindings: 2 });
    expect(evaluate(facts, params, NOW)[0]).toMatchObject({ complianceType: 'NON_COMPLIANT', runbook: null });
  });

  // DescribeImages imageManifestMediaType (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageDetail.html):
  // an image index has no scan of its own; the image it lists is judged (evaluate.test.ts, image indexes).
  it('an image index read from DescribeImages counts as IMAGE_INDEX, not as never scanned', async () => {
    estate(['team/multi']);
    ecr.on(GetRegistryScanningConfigurationCommand).resolves({ registryId: MEMBER_ACCOUNT, scanningConfiguration: { scanType: 'BASIC', rules: [{ scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: [{ filter: '*', filterType: 'WILDCARD' }] }] } });
    const index = imageDetail('team/multi', 1, { imageManifestMediaType: 'application/vnd.oci.image.index.v1+json', imageScanStatus: undefined, imageScanFindingsSummary: undefined });
    ecr.on(DescribeImagesCommand).resolves({ imageDetails: [index, imageDetail('team/multi', 2, { imageTags: [] })] });

    const facts = await collector.collectAll(context());

    expect(facts.repositories[0]!.summary).toMatchObject({ images: 2, inUse: 2, statusCounts: { IMAGE_INDEX: 1 } });
    expect(evaluate(facts, params, NOW)[0]).toMatchObject({ complianceType: 'COMPLIANT' });
  });

  it('ENHANCED: one filtered Inspector listing joined to images by digest; status from BatchGetAccountStatus', async () => {
    estate(['team/api', 'team/web']);
    ecr.on(GetRegistryScanningConfigurationCommand).resolves({ registryId: MEMBER_ACCOUNT, scanningConfiguration: { scanType: 'ENHANCED', rules: [{ scanFrequency: 'CONTINUOUS_SCAN', repositoryFilters: [{ filter: '*', filterType: 'WILDCARD' }] }] } });
    ecr.on(DescribeImagesCommand).callsFake((input: { repositoryName: string }) => ({ imageDetails: [imageDetail(input.repositoryName, 1, { imageScanStatus: { status: 'ACTIVE' } }), imageDetail(input.repositoryName, 2, { imageScanStatus: { status: 'ACTIVE' } })] }));
    inspector.on(BatchGetAccountStatusCommand).resolves({
      accounts: [accountState('ENABLED', 'ENABLED')],
      failedAccounts: [],
    });
    inspector
      .on(ListFindingsCommand)
      .resolvesOnce({ findings: [finding('team/api', 2, 'CRITICAL', 60), finding('team/api', 2, 'CRITICAL', 45)], nextToken: 'page-2' })
      .resolvesOnce({ findings: [finding('team/web', 1, 'CRITICAL', 31)] });

    const facts = await collector.collectAll(context());

    expect(facts.inspectorEcrStatus).toBe('ENABLED');
    expect(inspector).toHaveReceivedCommandTimes(ListFindingsCommand, 2);
    const input = inspector.commandCalls(ListFindingsCommand)[0]!.args[0].input;
    expect(input.maxResults).toBe(100);
    expect(input.filterCriteria).toEqual(oldFindingsFilter(params, MEMBER_ACCOUNT, NOW));
    expect(input.filterCriteria?.severity).toEqual([{ comparison: 'EQUALS', value: 'CRITICAL' }]);
    expect(input.filterCriteria?.firstObservedAt).toEqual([{ endInclusive: daysAgo(30) }]);
    const [api, web] = evaluate(facts, params, NOW);
    expect(api!.annotation).toBe(`1 image in use with 2 findings >=CRITICAL open >30d, oldest first: v2 (2 since ${daysAgo(60).toISOString().slice(0, 10)}).`);
    expect(web!.annotation).toMatch(/^1 image in use with 1 finding >=CRITICAL open >30d, oldest first: v1/);
  });

  it('ENHANCED with Inspector off: no finding listing needed to say so', async () => {
    estate(['team/api']);
    ecr.on(GetRegistryScanningConfigurationCommand).resolves({ scanningConfiguration: { scanType: 'ENHANCED', rules: [] } });
    ecr.on(DescribeImagesCommand).resolves({ imageDetails: [] });
    inspector.on(BatchGetAccountStatusCommand).resolves({ accounts: [accountState('DISABLED', 'DISABLED')] });
    inspector.on(ListFindingsCommand).resolves({ findings: [] });
    const facts = await collector.collectAll(context());
    expect(evaluate(facts, params, NOW)[0]!.annotation).toMatch(/Amazon Inspector ECR scanning is DISABLED/);
  });

  it('a repository missing from the response never passes; REPOSITORY_NOT_FOUND means deleted since the listing', async () => {
    estate(['team/a', 'team/b']);
    ecr.on(GetRegistryScanningConfigurationCommand).resolves({ scanningConfiguration: { scanType: 'BASIC', rules: [] } });
    ecr.on(BatchGetRepositoryScanningConfigurationCommand).resolves({
      scanningConfigurations: [],
      failures: [
        { repositoryName: 'team/a', failureCode: 'REPOSITORY_NOT_FOUND', failureReason: 'REPOSITORY_NOT_FOUND' },
      ],
    });
    ecr.on(DescribeImagesCommand).resolves({ imageDetails: [] });
    const facts = await collector.collectAll(context());
    expect(facts.repositories.map((r) => r.repositoryName)).toEqual(['team/b']);
    expect(evaluate(facts, params, NOW)[0]).toMatchObject({ complianceType: 'NON_COMPLIANT', annotation: "ECR could not report the repository's scanning configuration (repository missing from the response)." });
  });

  it('exempt repositories cost no scanning or image calls', async () => {
    estate(['team/a', 'vendor/mirror'], { 'vendor/mirror': { 'ecr-guardrails:exempt': 'vendor' } });
    ecr.on(GetRegistryScanningConfigurationCommand).resolves({ scanningConfiguration: { scanType: 'BASIC', rules: [] } });
    ecr.on(DescribeImagesCommand).resolves({ imageDetails: [] });
    await collector.collectAll(context());
    expect(ecr.commandCalls(BatchGetRepositoryScanningConfigurationCommand)[0]!.args[0].input.repositoryNames).toEqual(['team/a']);
    expect(ecr.commandCalls(DescribeImagesCommand).map((call) => call.args[0].input.repositoryName)).toEqual(['team/a']);
  });

  it('a registry configuration without scanType fails the run loudly', async () => {
    estate(['team/a']);
    ecr.on(GetRegistryScanningConfigurationCommand).resolves({ registryId: MEMBER_ACCOUNT });
    await expect(collector.collectAll(context())).rejects.toThrow(AwsCallError);
    await expect(collector.collectAll(context())).rejects.toThrow(/returned no scanType/);
  });

  it('a repository still throttled after retries is left for the next run, listed in the inventory', async () => {
    estate(['team/a', 'team/b']);
    ecr.on(GetRegistryScanningConfigurationCommand).resolves({ scanningConfiguration: { scanType: 'BASIC', rules: [] } });
    ecr.on(DescribeImagesCommand).resolves({ imageDetails: [] });
    ecr.on(DescribeImagesCommand, { repositoryName: 'team/b' }).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const facts = await collector.collectAll(context());
    expect(facts.repositories.map((r) => r.repositoryName)).toEqual(['team/a']);
    expect(facts.notReached).toEqual(['team/b']);
    expect(rule.inventory!(facts)).toEqual(['team/a', 'team/b']);
  });

  it('out of time before any repository is read: fails loudly instead of reporting nothing', async () => {
    estate(['team/a']);
    ecr.on(GetRegistryScanningConfigurationCommand).resolves({ scanningConfiguration: { scanType: 'BASIC', rules: [] } });
    const ctx = createCollectContext({ accountId: MEMBER_ACCOUNT, region: REGION, partition: 'aws', clients: new ClientFactory(REGION) }, params, {
      now: NOW,
      logger: silentLogger,
      remainingTimeMs: () => 0,
    });
    await expect(collector.collectAll(ctx)).rejects.toThrow(/no repository could be read in time/);
  });

  it('the change-triggered path gives the verdict of the periodic path for the same state', async () => {
    estate(['team/api']);
    ecr.on(GetRegistryScanningConfigurationCommand).resolves({ scanningConfiguration: { scanType: 'ENHANCED', rules: [{ scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: [{ filter: 'team', filterType: 'WILDCARD' }] }] } });
    ecr.on(DescribeImagesCommand).resolves({ imageDetails: [imageDetail('team/api', 3)] });
    inspector.on(BatchGetAccountStatusCommand).resolves({ accounts: [accountState('ENABLED', 'ENABLED')] });
    inspector.on(ListFindingsCommand).resolves({ findings: [finding('team/api', 3, 'CRITICAL', 50)] });

    const periodic = evaluate(await collector.collectAll(context()), params, NOW);
    // The recorded item carries only the deprecated ScanOnPush flag (false here): it must not decide.
    const item = normaliseEventItem(configurationItem({ resourceType: 'AWS::ECR::Repository', resourceId: 'team/api', configuration: ecrRepositoryConfiguration('team/api') }));
    const changed = evaluate((await collector.collectForChange!(item, context()))!, params, NOW);

    expect(changed).toEqual(periodic);
    expect(periodic[0]!.complianceType).toBe('NON_COMPLIANT');
    // The change path filters the Inspector listing to the repository.
    expect(inspector.commandCalls(ListFindingsCommand).at(-1)!.args[0].input.filterCriteria?.ecrImageRepositoryName).toEqual([{ comparison: 'EQUALS', value: 'team/api' }]);
  });
});
