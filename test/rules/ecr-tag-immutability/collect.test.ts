import { DescribeRepositoriesCommand, ECRClient, ListTagsForResourceCommand } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { collector, repositoryFromConfigurationItem } from '../../../rules/ecr-tag-immutability/collect.js';
import { ClientFactory } from '../../../rules/kernel/clients.js';
import { normaliseEventItem } from '../../../rules/kernel/config-item.js';
import { createCollectContext } from '../../../rules/kernel/context.js';
import { silentLogger } from '../../../rules/kernel/logger.js';
import { configurationItem, MEMBER_ACCOUNT, REGION } from '../../support/config-events.js';
import { ecrRepository, ecrRepositoryConfiguration } from '../../support/ecr.js';
// Same shape as ../shared/reference/example-ci-AWS_ECR_Repository.json (a recorded ECR item).
import exampleItem from '../../fixtures/config-items/ecr-repository.json' with { type: 'json' };

const ecr = mockClient(ECRClient);
const params = { AllowedExclusionFilters: [], ExemptionTagKey: 'ecr-guardrails:exempt' };
const context = () =>
  createCollectContext({ accountId: MEMBER_ACCOUNT, region: REGION, partition: 'aws', clients: new ClientFactory(REGION) }, params, {
    now: new Date('2026-11-20T09:00:00Z'),
    logger: silentLogger,
  });
const item = (configuration: Record<string, unknown>, tags: Record<string, string> = {}) =>
  normaliseEventItem(configurationItem({ resourceType: 'AWS::ECR::Repository', resourceId: 'team/app', configuration, tags }));

beforeEach(() => ecr.reset());

describe('ecr-tag-immutability collector', () => {
  it('reads a recorded Config item (CloudFormation-shaped, PascalCase)', () => {
    expect(repositoryFromConfigurationItem(normaliseEventItem(exampleItem))).toEqual({
      repositoryName: 'billing',
      imageTagMutability: 'MUTABLE',
      exclusionFilters: [],
      tags: {},
    });
  });

  it('reads exclusion filters and merges item tags with configuration Tags', () => {
    const repository = repositoryFromConfigurationItem(
      item(
        ecrRepositoryConfiguration('team/app', {
          ImageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
          ImageTagMutabilityExclusionFilters: [{ ImageTagMutabilityExclusionFilterType: 'WILDCARD', ImageTagMutabilityExclusionFilterValue: 'latest' }],
          Tags: [{ Key: 'team', Value: 'payments' }],
        }),
        { 'ecr-guardrails:exempt': 'reason' },
      ),
    );
    expect(repository).toEqual({
      repositoryName: 'team/app',
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      exclusionFilters: ['latest'],
      tags: { team: 'payments', 'ecr-guardrails:exempt': 'reason' },
    });
  });

  it('falls back to DescribeRepositories when the item lacks the exclusion filters of a *_WITH_EXCLUSION mode', async () => {
    ecr.on(DescribeRepositoriesCommand).resolves({
      repositories: [ecrRepository('team/app', { imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION', imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'nightly-*' }] })],
    });
    ecr.on(ListTagsForResourceCommand).resolves({ tags: [{ Key: 'team', Value: 'platform' }] });
    const facts = await collector.collectForChange?.(item(ecrRepositoryConfiguration('team/app', { ImageTagMutability: 'IMMUTABLE_WITH_EXCLUSION' })), context());
    expect(ecr).toHaveReceivedCommandWith(DescribeRepositoriesCommand, { repositoryNames: ['team/app'] });
    expect(facts?.repositories).toEqual([
      expect.objectContaining({ repositoryName: 'team/app', imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION', exclusionFilters: ['nightly-*'], tags: { team: 'platform' } }),
    ]);
  });

  it('returns no repository when the fallback finds it deleted', async () => {
    ecr.on(DescribeRepositoriesCommand).rejects(Object.assign(new Error('not found'), { name: 'RepositoryNotFoundException' }));
    const facts = await collector.collectForChange?.(item({ RepositoryName: 'team/app' }), context());
    expect(facts).toEqual({ repositories: [] });
  });

  it('lists repositories with the paginator at 1000 per page and reads each one\'s tags', async () => {
    // Paginators reuse one input object across pages: copy each input when it is sent.
    const inputs: unknown[] = [];
    const pages = [
      { repositories: [ecrRepository('a', { imageTagMutability: 'IMMUTABLE' })], nextToken: 'page-2' },
      { repositories: [ecrRepository('b')] },
    ];
    ecr.on(DescribeRepositoriesCommand).callsFake((input) => {
      inputs.push({ ...input });
      return pages[inputs.length - 1];
    });
    ecr.on(ListTagsForResourceCommand).resolves({ tags: [] });
    ecr.on(ListTagsForResourceCommand, { resourceArn: `arn:aws:ecr:${REGION}:${MEMBER_ACCOUNT}:repository/b` }).resolves({ tags: [{ Key: 'ecr-guardrails:exempt', Value: 'legacy' }] });
    const facts = await collector.collectAll(context());
    expect(inputs).toEqual([{ maxResults: 1000 }, { maxResults: 1000, nextToken: 'page-2' }]);
    expect(facts.repositories.map((r) => [r.repositoryName, r.imageTagMutability, r.tags])).toEqual([
      ['a', 'IMMUTABLE', {}],
      ['b', 'MUTABLE', { 'ecr-guardrails:exempt': 'legacy' }],
    ]);
    expect(ecr).toHaveReceivedCommandTimes(ListTagsForResourceCommand, 2);
  });

  it('lists once per scope when two rules ask (memo)', async () => {
    ecr.on(DescribeRepositoriesCommand).resolves({ repositories: [ecrRepository('a')] });
    ecr.on(ListTagsForResourceCommand).resolves({ tags: [] });
    const ctx = context();
    await collector.collectAll(ctx);
    await collector.collectAll(ctx);
    expect(ecr).toHaveReceivedCommandTimes(DescribeRepositoriesCommand, 1);
  });

  // Unreadable or unrecognised recorded filters must not become "no filters" (which would make
  // IMMUTABLE_WITH_EXCLUSION look COMPLIANT): the repository is read from the API instead.
  // Filter shape: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecr-repository-imagetagmutabilityexclusionfilter.html
  it.each<[string, unknown[]]>([
    ['a filter without a value', [{ ImageTagMutabilityExclusionFilterType: 'WILDCARD' }]],
    ['a filter of an unknown type', [{ ImageTagMutabilityExclusionFilterType: 'REGEX', ImageTagMutabilityExclusionFilterValue: 'v.*' }]],
    ['a value outside ECR\'s filter alphabet', [{ ImageTagMutabilityExclusionFilterType: 'WILDCARD', ImageTagMutabilityExclusionFilterValue: 'a b' }]],
    ['an entry that is not an object', ['latest']],
  ])('reads the repository from ECR when the item holds %s', async (_name, filters) => {
    const recorded = item(ecrRepositoryConfiguration('team/app', { ImageTagMutability: 'IMMUTABLE_WITH_EXCLUSION', ImageTagMutabilityExclusionFilters: filters }));
    expect(repositoryFromConfigurationItem(recorded)).toBeUndefined();
    ecr.on(DescribeRepositoriesCommand).resolves({
      repositories: [ecrRepository('team/app', { imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION', imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'nightly-*' }] })],
    });
    ecr.on(ListTagsForResourceCommand).resolves({ tags: [] });
    const facts = await collector.collectForChange?.(recorded, context());
    expect(facts?.repositories).toEqual([expect.objectContaining({ exclusionFilters: ['nightly-*'] })]);
  });

  it('keeps API filters of an unknown type apart instead of dropping them', async () => {
    ecr.on(DescribeRepositoriesCommand).resolves({
      repositories: [ecrRepository('a', { imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION', imageTagMutabilityExclusionFilters: [{ filterType: 'REGEX' as 'WILDCARD', filter: 'v.*' }] })],
    });
    ecr.on(ListTagsForResourceCommand).resolves({ tags: [] });
    const facts = await collector.collectAll(context());
    expect(facts.repositories[0]).toMatchObject({ exclusionFilters: [], unrecognisedExclusionFilters: ['REGEX:v.*'] });
  });
});
