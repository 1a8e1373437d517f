import {
  ConfigServiceClient,
  GetComplianceDetailsByConfigRuleCommand,
  PutEvaluationsCommand,
  type EvaluationResult,
} from '@aws-sdk/client-config-service';
import {
  BatchGetImageCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetLifecyclePolicyCommand,
  LifecyclePolicyNotFoundException,
  ListTagsForResourceCommand,
  RepositoryNotFoundException,
  type DescribeImagesCommandInput,
  type ImageDetail,
} from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { collectStaleImages, resumeOrder } from '../../../rules/ecr-stale-images/collect.js';
import { DAY_MS } from '../../../rules/ecr-stale-images/summarise.js';
import { rule } from '../../../rules/ecr-stale-images/rule.js';
import { AwsCallError } from '../../../rules/kernel/errors.js';
import { createConfigRuleHandler } from '../../../rules/kernel/handler.js';
import { MEMBER_ACCOUNT, NOTIFICATION_TIME, REGION, scheduledEvent } from '../../support/config-events.js';
import { DEFAULTS, GOOD_POLICY, NOW, staleContext, type LogLine } from '../../fixtures/ecr-stale-images/collect-context.js';
import { ecrRepository } from '../../support/ecr.js';

const ecr = mockClient(ECRClient);
const config = mockClient(ConfigServiceClient);
const context = staleContext;

/** A DescribeImages ImageDetail as the SDK returns it (Dates, not strings). */
function detail(repositoryName: string, n: number, fields: { daysAgo: number; pulledDaysAgo?: number; tags?: string[]; size?: number }): ImageDetail {
  return {
    registryId: MEMBER_ACCOUNT,
    repositoryName,
    imageDigest: `sha256:${n.toString(16).padStart(64, '0')}`,
    ...(fields.tags ? { imageTags: fields.tags } : {}),
    imageSizeInBytes: fields.size ?? 50_000_000,
    imagePushedAt: new Date(NOW.getTime() - fields.daysAgo * DAY_MS),
    ...(fields.pulledDaysAgo !== undefined ? { lastRecordedPullTime: new Date(NOW.getTime() - fields.pulledDaysAgo * DAY_MS) } : {}),
    imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
    artifactMediaType: 'application/vnd.oci.image.config.v1+json',
    imageStatus: 'ACTIVE',
  };
}

function givenRepositories(names: string[], tags: Record<string, Record<string, string>> = {}) {
  ecr.on(DescribeRepositoriesCommand).resolves({ repositories: names.map((name) => ecrRepository(name)) });
  ecr.on(ListTagsForResourceCommand).callsFake((input: { resourceArn: string }) => {
    const name = input.resourceArn.split(':repository/')[1]!;
    return { tags: Object.entries(tags[name] ?? {}).map(([Key, Value]) => ({ Key, Value })) };
  });
}

/** Every DescribeImages input, snapshotted (paginators reuse one input object). */
const describeInputs: DescribeImagesCommandInput[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeEach(() => {
  ecr.reset();
  config.reset();
  describeInputs.length = 0;
  ecr.on(GetLifecyclePolicyCommand).resolves({ repositoryName: 'x', registryId: MEMBER_ACCOUNT, lifecyclePolicyText: GOOD_POLICY });
});

describe('collector: paging and summaries', () => {
  it('pages DescribeImages 1000 at a time, tagged then untagged, and folds every page into the summary', async () => {
    givenRepositories(['team/api']);
    const pages: Record<string, Array<{ imageDetails: ImageDetail[]; nextToken?: string }>> = {
      TAGGED: [
        { imageDetails: [detail('team/api', 1, { daysAgo: 200, tags: ['v1'] }), detail('team/api', 2, { daysAgo: 5, tags: ['v2'] })], nextToken: 'p2' },
        { imageDetails: [detail('team/api', 3, { daysAgo: 400, pulledDaysAgo: 300, tags: ['v0'], size: 7 }), { ...detail('team/api', 5, { daysAgo: 900, tags: ['ancient'] }), imageStatus: 'ARCHIVED' }] },
      ],
      UNTAGGED: [{ imageDetails: [detail('team/api', 4, { daysAgo: 9 })] }],
    };
    ecr.on(DescribeImagesCommand).callsFake((input: DescribeImagesCommandInput) => {
      describeInputs.push({ ...input });
      const series = pages[input.filter?.tagStatus ?? 'ANY']!;
      return series[input.nextToken ? Number(input.nextToken.slice(1)) - 1 : 0];
    });

    const facts = await collectStaleImages(context());

    expect(describeInputs).toEqual([
      { repositoryName: 'team/api', maxResults: 1000, filter: { tagStatus: 'TAGGED' } },
      { repositoryName: 'team/api', maxResults: 1000, filter: { tagStatus: 'TAGGED' }, nextToken: 'p2' },
      { repositoryName: 'team/api', maxResults: 1000, filter: { tagStatus: 'UNTAGGED' } },
    ]);
    // No image index among the tagged images: no manifest is read (a read records a pull).
    expect(ecr).not.toHaveReceivedCommand(BatchGetImageCommand);
    expect(ecr).toHaveReceivedCommandWith(GetLifecyclePolicyCommand, { repositoryName: 'team/api' });
    expect(facts).toEqual({
      basis: { asOf: NOW.toISOString(), MaxImageAgeDays: 90, MaxIdleDays: 90, ProtectedTagPatterns: [] },
      repositories: [
        {
          repositoryName: 'team/api',
          tags: {},
          lifecyclePolicyText: GOOD_POLICY,
          summary: {
            activeImages: 4,
            activeBytes: 150_000_007,
            inactiveImages: 1,
            staleImages: 2,
            staleBytes: 50_000_007,
            protectedImages: 0,
            untaggedImages: 1,
            reclaimableBytes: 100_000_007,
            oldestStale: [
              { ref: 'v0', pushedAt: new Date(NOW.getTime() - 400 * DAY_MS).toISOString(), lastPulledAt: new Date(NOW.getTime() - 300 * DAY_MS).toISOString(), sizeBytes: 7 },
              { ref: 'v1', pushedAt: new Date(NOW.getTime() - 200 * DAY_MS).toISOString(), sizeBytes: 50_000_000 },
            ],
          },
        },
      ],
    });
    expect(JSON.parse(JSON.stringify(facts))).toEqual(facts);
    expect(rule.evaluate(facts, DEFAULTS, NOW)[0]).toMatchObject({ complianceType: 'NON_COMPLIANT', annotation: expect.stringMatching(/^2 stale images .* oldest v0 pushed/) });
  });

  it('records a missing lifecycle policy as null, skips exempt repositories, drops repositories deleted meanwhile', async () => {
    givenRepositories(['a', 'exempt', 'gone'], { exempt: { 'ecr-guardrails:exempt': 'vendor mirror' } });
    ecr.on(GetLifecyclePolicyCommand, { repositoryName: 'a' }).rejects(new LifecyclePolicyNotFoundException({ message: 'Lifecycle policy does not exist', $metadata: {} }));
    ecr.on(DescribeImagesCommand, { repositoryName: 'a' }).resolves({ imageDetails: [] });
    ecr.on(DescribeImagesCommand, { repositoryName: 'gone' }).rejects(new RepositoryNotFoundException({ message: 'The repository does not exist', $metadata: {} }));

    const facts = await collectStaleImages(context());

    expect(facts.repositories.map((r) => [r.repositoryName, r.lifecyclePolicyText, r.summary?.activeImages])).toEqual([
      ['a', null, 0],
      ['exempt', undefined, undefined],
    ]);
    expect(facts.notReached).toBeUndefined();
    expect(ecr.commandCalls(DescribeImagesCommand).map((c) => `${c.args[0].input.repositoryName} ${c.args[0].input.filter?.tagStatus}`).sort()).toEqual([
      'a TAGGED',
      'a UNTAGGED',
      'gone TAGGED',
    ]);
    expect(rule.evaluate(facts, DEFAULTS, NOW).map((e) => [e.resourceId, e.complianceType])).toEqual([
      ['a', 'NON_COMPLIANT'],
      ['exempt', 'NOT_APPLICABLE'],
    ]);
  });

  it('does not call GetLifecyclePolicy when the policy is not required', async () => {
    givenRepositories(['a']);
    ecr.on(DescribeImagesCommand).resolves({ imageDetails: [] });
    const facts = await collectStaleImages(context({ RequireLifecyclePolicy: false }));
    expect(ecr).not.toHaveReceivedCommand(GetLifecyclePolicyCommand);
    expect(facts.repositories[0]).not.toHaveProperty('lifecyclePolicyText');
  });

  // A per-repository denial is reported for that repository (collect-unreadable.test.ts).
  it('fails loudly on an AWS error other than throttling or a per-repository denial, naming the repository', async () => {
    givenRepositories(['a']);
    ecr.on(DescribeImagesCommand).rejects(Object.assign(new Error('internal error'), { name: 'ServerException' }));
    await expect(collectStaleImages(context())).rejects.toThrow(new AwsCallError('ecr:DescribeImages/GetLifecyclePolicy a failed: ServerException: internal error'));
  });
});

describe('collector: concurrency', () => {
  it.each([1, 3, 8])('never has more than Concurrency=%i repositories in flight, and uses all of them', async (concurrency) => {
    const names = Array.from({ length: 20 }, (_, i) => `repo-${i}`);
    givenRepositories(names);
    let inFlight = 0;
    let peak = 0;
    ecr.on(DescribeImagesCommand).callsFake(async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await sleep(5);
      inFlight--;
      return { imageDetails: [] };
    });
    const facts = await collectStaleImages(context({ Concurrency: concurrency }));
    expect(facts.repositories).toHaveLength(20);
    expect(peak).toBe(concurrency);
  });
});

describe('collector: time budget and resume', () => {
  it('stops starting repositories when the time is spent, lists and logs the ones not reached', async () => {
    const names = ['r0', 'r1', 'r2', 'r3', 'r4'];
    givenRepositories(names);
    let budget = 4; // two repositories' worth of time (a tagged and an untagged listing each)
    ecr.on(DescribeImagesCommand).callsFake(async () => {
      budget--;
      return { imageDetails: [] };
    });
    const logs: LogLine[] = [];
    const facts = await collectStaleImages(context({ Concurrency: 1 }, { remainingTimeMs: () => budget * 1000, logs }));
    expect(facts.repositories.map((r) => r.repositoryName)).toEqual(['r0', 'r1']);
    expect(facts.notReached).toEqual(['r2', 'r3', 'r4']);
    expect(rule.inventory!(facts)).toEqual(names);
    expect(logs).toContainEqual({
      level: 'warn',
      message: 'Repositories not evaluated in this run; the next run starts with them',
      extra: { notReached: 3, throttled: 0, evaluated: 2, repositories: ['r2', 'r3', 'r4'] },
    });
  });

  it('abandons a repository between pages when the time runs out (no half summary)', async () => {
    givenRepositories(['big']);
    let remaining = 1;
    ecr.on(DescribeImagesCommand).callsFake((input: DescribeImagesCommandInput) => {
      describeInputs.push({ ...input });
      remaining = 0;
      return { imageDetails: [detail('big', describeInputs.length, { daysAgo: 300 })], nextToken: `p${describeInputs.length + 1}` };
    });
    const facts = await collectStaleImages(context({}, { remainingTimeMs: () => remaining }));
    expect(describeInputs).toHaveLength(1);
    expect(facts.repositories).toEqual([]);
    expect(facts.notReached).toEqual(['big']);
  });

  it('orders repositories: never evaluated first, then least recently evaluated (stable)', () => {
    const repositories = ['a', 'b', 'c', 'd', 'e'].map((repositoryName) => ({ repositoryName }));
    const previous = new Map([
      ['a', 300],
      ['b', 100],
      ['d', 200],
      ['e', 100],
    ]);
    expect(resumeOrder(repositories, previous).map((r) => r.repositoryName)).toEqual(['c', 'b', 'e', 'd', 'a']);
  });

  it('through the Lambda handler: a cut-off run keeps unreached repositories out of cleanup, and the next run starts with them', async () => {
    const names = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5'];
    givenRepositories(names);
    ecr.on(DescribeImagesCommand).callsFake((input: DescribeImagesCommandInput) => {
      // One entry per repository: its tagged listing (the untagged one follows it).
      if (input.filter?.tagStatus === 'TAGGED') describeInputs.push({ ...input });
      return { imageDetails: [] };
    });
    // Config remembers the latest result per repository (OrderingTimestamp), as the real service does.
    const stored = new Map<string, EvaluationResult>();
    const putTimes: Date[] = [];
    config.on(GetComplianceDetailsByConfigRuleCommand).callsFake(() => ({ EvaluationResults: [...stored.values()] }));
    config.on(PutEvaluationsCommand).callsFake((input: { Evaluations: Array<{ ComplianceResourceId: string; ComplianceResourceType: string; ComplianceType: string; OrderingTimestamp: Date }> }) => {
      for (const evaluation of input.Evaluations) {
        putTimes.push(evaluation.OrderingTimestamp);
        stored.set(evaluation.ComplianceResourceId, {
          EvaluationResultIdentifier: {
            EvaluationResultQualifier: { ConfigRuleName: 'ecr-guardrails-ecr-stale-images', ResourceType: evaluation.ComplianceResourceType, ResourceId: evaluation.ComplianceResourceId },
            OrderingTimestamp: evaluation.OrderingTimestamp,
          },
          ComplianceType: evaluation.ComplianceType as 'COMPLIANT',
        });
      }
      return { FailedEvaluations: [] };
    });
    // r5 was evaluated long ago; the others never.
    stored.set('r5', {
      EvaluationResultIdentifier: { EvaluationResultQualifier: { ResourceType: 'AWS::ECR::Repository', ResourceId: 'r5' }, OrderingTimestamp: new Date('2026-01-01T00:00:00Z') },
      ComplianceType: 'COMPLIANT',
    });

    const handler = createConfigRuleHandler(rule, { sleep: async () => undefined });
    const lambda = (repositoriesWorthOfTime: number) => ({
      invokedFunctionArn: `arn:aws:lambda:${REGION}:${MEMBER_ACCOUNT}:function:ecr-guardrails-ecr-stale-images`,
      // 30 s are reserved for reporting; each DescribeImages call "costs" one second here.
      getRemainingTimeInMillis: () => 30_000 + (repositoriesWorthOfTime - describeInputs.length) * 1000,
    });
    const event = (time: string) => {
      const raw = scheduledEvent({ configRuleName: 'ecr-guardrails-ecr-stale-images', ruleParameters: { Concurrency: '1' } });
      return { ...raw, invokingEvent: raw.invokingEvent.replace(NOTIFICATION_TIME, time) };
    };

    const first = await handler(event('2026-11-20T09:00:00.000Z'), lambda(3));
    expect(config).toHaveReceivedCommandWith(GetComplianceDetailsByConfigRuleCommand, { ConfigRuleName: 'ecr-guardrails-ecr-stale-images' });
    expect(describeInputs.map((i) => i.repositoryName)).toEqual(['r0', 'r1', 'r2']);
    // r3, r4 (never reached) and r5 (old result) are not declared deleted.
    expect(first.evaluations.map((e) => `${e.resourceId}:${e.complianceType}`)).toEqual(['r0:COMPLIANT', 'r1:COMPLIANT', 'r2:COMPLIANT']);

    describeInputs.length = 0;
    await handler(event('2026-11-21T09:00:00.000Z'), lambda(3));
    expect(describeInputs.map((i) => i.repositoryName)).toEqual(['r3', 'r4', 'r5']);

    describeInputs.length = 0;
    await handler(event('2026-11-22T09:00:00.000Z'), lambda(3));
    expect(describeInputs.map((i) => i.repositoryName)).toEqual(['r0', 'r1', 'r2']);
    expect(putTimes).toHaveLength(9);
  });
});
