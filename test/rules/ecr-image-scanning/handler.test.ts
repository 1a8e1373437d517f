/**
 * ecr-image-scanning through the real Lambda handler (same-account context): a repository
 * change and the periodic run report the same verdict to Config for the same state, within
 * Config's 256-character annotation. Responses as documented:
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchGetRepositoryScanningConfiguration.html
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageDetail.html
 */
import { ConfigServiceClient, GetComplianceDetailsByConfigRuleCommand, PutEvaluationsCommand, type Evaluation } from '@aws-sdk/client-config-service';
import {
  BatchGetRepositoryScanningConfigurationCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetRegistryScanningConfigurationCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { rule } from '../../../rules/ecr-image-scanning/rule.js';
import { createConfigRuleHandler } from '../../../rules/kernel/handler.js';
import { changeEvent, lambdaContext, MEMBER_ACCOUNT, scheduledEvent } from '../../support/config-events.js';
import { ecrRepository, ecrRepositoryConfiguration } from '../../support/ecr.js';

const config = mockClient(ConfigServiceClient);
const ecr = mockClient(ECRClient);
const CLOCK = new Date('2026-11-20T10:00:00.000Z');
const daysAgo = (days: number) => new Date(CLOCK.getTime() - days * 86_400_000);
const handler = () => createConfigRuleHandler(rule, { clock: () => CLOCK, sleep: async () => undefined });
const NAME = 'payments/worker';

beforeEach(() => {
  config.reset();
  ecr.reset();
  config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  config.on(GetComplianceDetailsByConfigRuleCommand).resolves({ EvaluationResults: [] });
  ecr.on(DescribeRepositoriesCommand).resolves({ repositories: [ecrRepository(NAME)] });
  ecr.on(ListTagsForResourceCommand).resolves({ tags: [] });
  ecr.on(GetRegistryScanningConfigurationCommand).resolves({ registryId: MEMBER_ACCOUNT, scanningConfiguration: { scanType: 'BASIC', rules: [] } });
  // No scan-on-push filter matches: MANUAL, although the deprecated repository flag is true.
  ecr.on(BatchGetRepositoryScanningConfigurationCommand).resolves({
    scanningConfigurations: [{ repositoryName: NAME, repositoryArn: ecrRepository(NAME).repositoryArn, scanOnPush: true, scanFrequency: 'MANUAL', appliedScanFilters: [] }],
    failures: [],
  });
  const images = Array.from({ length: 6 }, (_, i) => ({
    registryId: MEMBER_ACCOUNT,
    repositoryName: NAME,
    imageDigest: `sha256:${String(i).repeat(64)}`,
    imageTags: [`release-2026.${String(i).padStart(2, '0')}-build-with-a-rather-long-name`],
    imagePushedAt: daysAgo(60 + i),
    lastRecordedPullTime: daysAgo(1),
    imageScanStatus: { status: 'COMPLETE' as const },
    imageScanFindingsSummary: { imageScanCompletedAt: daysAgo(60 + i), findingSeverityCounts: { CRITICAL: 3 } },
  }));
  ecr.on(DescribeImagesCommand).resolves({ imageDetails: images });
});

const reported = (): Evaluation[] => config.commandCalls(PutEvaluationsCommand).flatMap((call) => call.args[0].input.Evaluations ?? []);

describe('ecr-image-scanning handler', () => {
  it('a repository change and the periodic run report the same verdict, cut to 256 characters', async () => {
    const item = { resourceType: 'AWS::ECR::Repository', resourceId: NAME, arn: ecrRepository(NAME).repositoryArn, configuration: ecrRepositoryConfiguration(NAME, { ImageScanningConfiguration: { ScanOnPush: true } }) };
    await handler()(changeEvent(item), lambdaContext(MEMBER_ACCOUNT));
    const [changed] = reported();
    config.resetHistory();
    await handler()(scheduledEvent(), lambdaContext(MEMBER_ACCOUNT));
    const [periodic] = reported();

    expect(changed).toMatchObject({ ComplianceResourceType: 'AWS::ECR::Repository', ComplianceResourceId: NAME, ComplianceType: 'NON_COMPLIANT' });
    expect(periodic).toMatchObject({ ComplianceResourceId: NAME, ComplianceType: 'NON_COMPLIANT', Annotation: changed!.Annotation });
    expect(changed!.Annotation!.length).toBeLessThanOrEqual(256);
    expect(changed!.Annotation).toMatch(/^Pushes are not scanned: registry BASIC scanning, repository frequency MANUAL/);
  });
});
