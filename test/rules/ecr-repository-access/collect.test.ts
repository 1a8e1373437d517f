/** The ecr-repository-access collector against mocked ECR and Organizations responses. */
import {
  DescribeRegistryCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetRegistryPolicyCommand,
  GetRepositoryPolicyCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-ecr';
import { DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { collector, repositoryFromConfigurationItem } from '../../../rules/ecr-repository-access/collect.js';
import { evaluate } from '../../../rules/ecr-repository-access/evaluate.js';
import { ClientFactory } from '../../../rules/kernel/clients.js';
import { normaliseEventItem } from '../../../rules/kernel/config-item.js';
import { createCollectContext } from '../../../rules/kernel/context.js';
import { silentLogger } from '../../../rules/kernel/logger.js';
import { MEMBER_ACCOUNT, REGION } from '../../support/config-events.js';
import { ecrRepository } from '../../support/ecr.js';
// Same shape as ../shared/reference/example-ci-AWS_ECR_Repository.json (a recorded ECR item, no policy: RepositoryPolicyText {}).
import exampleItem from '../../fixtures/config-items/ecr-repository.json' with { type: 'json' };

const ecr = mockClient(ECRClient);
const organizations = mockClient(OrganizationsClient);
const params = { OrganizationId: '', TrustedAccounts: [], AllowedPullAccounts: [], ExemptionTagKey: 'ecr-guardrails:exempt', UseAccessAnalyzer: false };
const context = (accountId = MEMBER_ACCOUNT) =>
  createCollectContext({ accountId, region: REGION, partition: 'aws', clients: new ClientFactory(REGION) }, params, { now: new Date('2026-11-20T09:00:00Z'), logger: silentLogger });
const denied = (message: string) => Object.assign(new Error(message), { name: 'AccessDeniedException' });
const named = (name: string) => Object.assign(new Error(name), { name });
const PUBLIC = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Open', Effect: 'Allow', Principal: '*', Action: 'ecr:BatchGetImage' }] });

beforeEach(() => {
  ecr.reset();
  organizations.reset();
  ecr.on(DescribeRepositoriesCommand).resolves({ repositories: [ecrRepository('team/open'), ecrRepository('team/none'), ecrRepository('team/locked')] });
  ecr.on(ListTagsForResourceCommand).resolves({ tags: [] });
  ecr.on(GetRepositoryPolicyCommand, { repositoryName: 'team/open' }).resolves({ policyText: PUBLIC });
  ecr.on(GetRepositoryPolicyCommand, { repositoryName: 'team/none' }).rejects(named('RepositoryPolicyNotFoundException'));
  ecr.on(GetRepositoryPolicyCommand, { repositoryName: 'team/locked' }).rejects(denied('explicit deny in a resource-based policy'));
  ecr.on(GetRegistryPolicyCommand).rejects(named('RegistryPolicyNotFoundException'));
  ecr.on(DescribeRegistryCommand).resolves({ registryId: MEMBER_ACCOUNT, replicationConfiguration: { rules: [{ destinations: [{ region: 'us-east-1', registryId: '999988887777' }], repositoryFilters: [{ filter: 'team/open', filterType: 'PREFIX_MATCH' }] }] } });
});

describe('ecr-repository-access collector', () => {
  it('reads each policy: none is "no policy", a denial is not readable (never a pass), and the registry once', async () => {
    organizations.on(DescribeOrganizationCommand).resolves({ Organization: { Id: 'o-a1b2c3d4e5' } });
    const facts = await collector.collectAll(context('210987654321'));
    expect(facts).toMatchObject({ accountId: '210987654321', organizationId: 'o-a1b2c3d4e5', replication: [{ destinations: [{ region: 'us-east-1', registryId: '999988887777' }], prefixes: ['team/open'] }] });
    expect(facts.registryPolicyText).toBeUndefined();
    expect(facts.repositories.map((r) => [r.repositoryName, r.policyText !== undefined, r.unreadable?.call])).toEqual([
      ['team/open', true, undefined],
      ['team/none', false, undefined],
      ['team/locked', false, 'ecr:GetRepositoryPolicy'],
    ]);
    const verdicts = (await evaluate(facts, params)).map((e) => [e.resourceId, e.complianceType, e.annotation.slice(0, 20)]);
    expect(verdicts).toEqual([
      ['team/open', 'NON_COMPLIANT', 'Repository policy pu'],
      ['team/none', 'COMPLIANT', 'No repository policy'],
      ['team/locked', 'NON_COMPLIANT', 'Not readable: ecr:Ge'],
    ]);
  });

  it('outside any organisation the organisation is null; the account is asked once, not per region', async () => {
    organizations.on(DescribeOrganizationCommand).rejects(named('AWSOrganizationsNotInUseException'));
    expect((await collector.collectAll(context('333344445555'))).organizationId).toBeNull();
    await collector.collectAll(context('333344445555'));
    expect(organizations).toHaveReceivedCommandTimes(DescribeOrganizationCommand, 1);
  });

  it('a denied DescribeOrganization fails the run naming the call (the organisation is needed to judge)', async () => {
    organizations.on(DescribeOrganizationCommand).rejects(denied('not authorized'));
    await expect(collector.collectAll(context('444455557777'))).rejects.toThrow(/organizations:DescribeOrganization/);
  });

  it('a denied registry read marks every repository not readable', async () => {
    organizations.on(DescribeOrganizationCommand).resolves({ Organization: { Id: 'o-a1b2c3d4e5' } });
    ecr.on(GetRegistryPolicyCommand).rejects(denied('no ecr:GetRegistryPolicy'));
    const facts = await collector.collectAll(context('555566668888'));
    expect(facts.registryUnreadable).toMatchObject({ call: 'ecr:GetRegistryPolicy' });
    expect((await evaluate(facts, params)).map((e) => [e.resourceId, e.notReadable?.call])).toEqual([
      ['team/open', 'ecr:GetRegistryPolicy'],
      ['team/none', 'ecr:GetRegistryPolicy'],
      ['team/locked', 'ecr:GetRepositoryPolicy'],
    ]);
  });

  it('Config items: a policy with statements is taken from the item; "{}" (no policy, or not recorded) is read from ECR', () => {
    const base = normaliseEventItem(exampleItem);
    expect(repositoryFromConfigurationItem(base, '123456789012', 'us-east-1', 'aws')).toBeUndefined();
    const withPolicy = { ...base, configuration: { ...base.configuration, RepositoryPolicyText: JSON.parse(PUBLIC) as unknown } };
    expect(repositoryFromConfigurationItem(withPolicy, '123456789012', 'us-east-1', 'aws')).toEqual({
      repositoryName: 'billing',
      repositoryArn: expect.stringMatching(/repository\/billing$/),
      tags: {},
      policyText: PUBLIC,
    });
  });
});
