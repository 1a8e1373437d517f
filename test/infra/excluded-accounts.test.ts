/**
 * The conformance pack's ExcludedAccounts (infra/excluded-accounts): every account of the
 * organization outside the target OUs (sub-OUs belong to their target, as for StackSets), plus
 * the management account, which service-managed StackSets never deploy to.
 */
import {
  DescribeOrganizationCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveEvent } from '../../infra/excluded-accounts/handler.js';
import { EXCLUDED_ACCOUNTS_MAX, excludedAccounts } from '../../infra/excluded-accounts/resolve.js';

const org = mockClient(OrganizationsClient);
afterEach(() => org.reset());

const MANAGEMENT = '100000000000';
// root r-root: management, 200..1 (directly under root); ou-a: 300..1 and sub-OU ou-a-sub: 300..2; ou-b: 400..1.
function organization(accounts: string[] = [MANAGEMENT, '200000000001', '300000000001', '300000000002', '400000000001']): void {
  org.on(DescribeOrganizationCommand).resolves({ Organization: { Id: 'o-a1b2c3d4e5', MasterAccountId: MANAGEMENT } });
  org.on(ListAccountsCommand).resolves({ Accounts: accounts.map((Id) => ({ Id })) });
  const children: Record<string, { accounts: string[]; ous: string[] }> = {
    'r-root': { accounts: [MANAGEMENT, '200000000001'], ous: ['ou-a', 'ou-b'] },
    'ou-a': { accounts: ['300000000001'], ous: ['ou-a-sub'] },
    'ou-a-sub': { accounts: ['300000000002'], ous: [] },
    'ou-b': { accounts: ['400000000001'], ous: [] },
  };
  for (const [parent, { accounts: ids, ous }] of Object.entries(children)) {
    org.on(ListAccountsForParentCommand, { ParentId: parent }).resolves({ Accounts: ids.map((Id) => ({ Id })) });
    org.on(ListOrganizationalUnitsForParentCommand, { ParentId: parent }).resolves({ OrganizationalUnits: ous.map((Id) => ({ Id })) });
  }
}

const event = (type: 'Create' | 'Update' | 'Delete', ous: unknown): CloudFormationCustomResourceEvent =>
  ({
    RequestType: type,
    ServiceToken: 'arn:aws:lambda:eu-west-3:111122223333:function:EcrGuardrails-ExcludedAccounts',
    ResponseURL: 'https://example.invalid/response',
    StackId: 'arn:aws:cloudformation:eu-west-3:111122223333:stack/EcrGuardrails-ConformancePack-eu-west-3/1',
    RequestId: 'req-1',
    LogicalResourceId: 'ExcludedAccounts',
    ResourceType: 'AWS::CloudFormation::CustomResource',
    ResourceProperties: { ServiceToken: 'x', OrganizationalUnitIds: ous },
    ...(type === 'Create' ? {} : { PhysicalResourceId: 'ecr-guardrails-excluded-accounts' }),
  }) as CloudFormationCustomResourceEvent;

describe('excludedAccounts', () => {
  it('excludes the accounts outside the target OU and the management account; sub-OUs are in', async () => {
    organization();
    expect(await excludedAccounts(new OrganizationsClient({}), ['ou-a'])).toEqual([MANAGEMENT, '200000000001', '400000000001']);
  });

  it('targeting the root still excludes the management account (StackSets never deploy there)', async () => {
    organization();
    expect(await excludedAccounts(new OrganizationsClient({}), ['r-root'])).toEqual([MANAGEMENT]);
  });

  it('refuses more than 1,000 exclusions (PutOrganizationConformancePack limit)', async () => {
    organization([MANAGEMENT, ...Array.from({ length: EXCLUDED_ACCOUNTS_MAX }, (_, i) => String(500000000000 + i))]);
    await expect(excludedAccounts(new OrganizationsClient({}), ['ou-a'])).rejects.toThrow(/1001 accounts are outside the target OUs, over the conformance pack's limit of 1000/);
  });
});

describe('the custom resource', () => {
  it('answers Create and Update with the comma-separated accounts', async () => {
    organization();
    for (const type of ['Create', 'Update'] as const) {
      expect(await resolveEvent(event(type, ['ou-a', 'ou-b']), new OrganizationsClient({}))).toMatchObject({
        Status: 'SUCCESS',
        PhysicalResourceId: 'ecr-guardrails-excluded-accounts',
        RequestId: 'req-1',
        LogicalResourceId: 'ExcludedAccounts',
        Data: { Accounts: `${MANAGEMENT},200000000001` },
      });
    }
  });

  it('fails the stack operation, saying why, when Organizations refuses or the OUs are missing', async () => {
    org.on(DescribeOrganizationCommand).rejects(Object.assign(new Error('You don\'t have permissions to access this resource.'), { name: 'AccessDeniedException' }));
    expect(await resolveEvent(event('Create', ['ou-a']), new OrganizationsClient({}))).toMatchObject({ Status: 'FAILED', Reason: expect.stringContaining('permissions') });
    expect(await resolveEvent(event('Create', []), new OrganizationsClient({}))).toMatchObject({ Status: 'FAILED', Reason: 'OrganizationalUnitIds is missing' });
  });

  it('does nothing on Delete', async () => {
    const answer = await resolveEvent(event('Delete', ['ou-a']), new OrganizationsClient({}));
    expect(answer).toMatchObject({ Status: 'SUCCESS' });
    expect(answer).not.toHaveProperty('Data');
    expect(org.calls()).toHaveLength(0);
  });
});
