/**
 * The automation role's conditions rely on what the runbooks do (automations/iam-scope.ts):
 * whatever CreateEcrVpcEndpoints creates carries `ecr-guardrails:created-by` from creation
 * (TagSpecifications) and only the keys the role may write; it tags nothing afterwards (the
 * role may tag only with ec2:CreateAction); it deletes only what it created. Checked on the
 * calls the test SSM interpreter records in the runbook's build, fix-in-place and clean-up runs.
 */
import { readFileSync } from 'node:fs';
import { CreateVpcEndpointCommand } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { loadRunbooks } from '../../automations/catalog.js';
import { ACTION_SCOPES, automationPolicyStatements, CREATED_BY_TAG_KEY, CREATION_TAG_KEYS, unscopedActions } from '../../automations/iam-scope.js';
import { baseEstate, IDS, securityGroup, tcp443 } from '../fixtures/ecr-vpc-endpoints/estate.js';
import { bare, currentWorld, EXECUTION_ID, restoreWorld, run } from '../fixtures/ecr-vpc-endpoints/runbook.js';
import { mutatingCalls, type ExecutionResult } from '../support/ssm/interpreter.js';

afterEach(restoreWorld);

type TagSpecification = { ResourceType: string; Tags: { Key: string; Value: string }[] };

/** Every create call tags at creation with created-by = the execution and only allowed keys; no CreateTags; deletions only of ids this run created. */
function expectWithinTheRole(result: ExecutionResult, before: { endpoints: string[]; groups: string[] }): void {
  const calls = mutatingCalls(result);
  expect(calls.map((c) => c.api)).not.toContain('CreateTags');
  for (const call of calls.filter((c) => c.api === 'CreateVpcEndpoint' || c.api === 'CreateSecurityGroup')) {
    const specs = (call.input as { TagSpecifications?: TagSpecification[] }).TagSpecifications ?? [];
    expect(specs, call.api).toHaveLength(1);
    const keys = specs[0]!.Tags.map((t) => t.Key);
    for (const key of keys) expect(CREATION_TAG_KEYS, `${call.api} tags ${key}`).toContain(key);
    expect(specs[0]!.Tags).toContainEqual({ Key: CREATED_BY_TAG_KEY, Value: EXECUTION_ID });
  }
  for (const call of calls.filter((c) => c.api === 'DeleteVpcEndpoints')) {
    for (const id of (call.input as { VpcEndpointIds: string[] }).VpcEndpointIds) expect(before.endpoints).not.toContain(id);
  }
  for (const call of calls.filter((c) => c.api === 'DeleteSecurityGroup')) expect(before.groups).not.toContain((call.input as { GroupId: string }).GroupId);
}

const snapshot = (estate: ReturnType<typeof baseEstate>) => ({
  endpoints: estate.endpoints.map((e) => e.VpcEndpointId!),
  groups: estate.securityGroups.map((g) => g.GroupId!),
});

describe('CreateEcrVpcEndpoints stays within the automation role\'s conditions', () => {
  it('building everything: created resources are tagged at creation, nothing else', async () => {
    const estate = bare();
    const before = snapshot(estate);
    const result = await run(estate);
    expect(result.status, result.failureMessage).toBe('Success');
    expect(mutatingCalls(result).filter((c) => c.api.startsWith('Create')).length).toBeGreaterThan(1);
    expectWithinTheRole(result, before);
  });

  it('fixing endpoints in place: ModifyVpcEndpoint, no tag on what existed', async () => {
    const estate = baseEstate();
    const api = estate.endpoints.find((e) => e.VpcEndpointId === IDS.api)!;
    api.PrivateDnsEnabled = false;
    estate.endpoints = estate.endpoints.filter((e) => e.VpcEndpointId !== IDS.dkr);
    estate.securityGroups = [
      securityGroup(IDS.sgEndpoints, [tcp443({ IpRanges: [{ CidrIp: '10.0.0.0/16' }] })]),
      securityGroup(IDS.sgApp, []),
    ];
    const before = snapshot(estate);
    const result = await run(estate);
    expect(result.status, result.failureMessage).toBe('Success');
    expect(mutatingCalls(result).map((c) => c.api)).toContain('ModifyVpcEndpoint');
    expectWithinTheRole(result, before);
  });

  it('cleaning up after a failure: deletes only what this run created', async () => {
    const estate = bare();
    const before = snapshot(estate);
    const pending = run(estate);
    currentWorld().ec2.on(CreateVpcEndpointCommand, { ServiceName: 'com.amazonaws.eu-west-3.ecr.dkr' }).rejects(Object.assign(new Error('quota'), { name: 'VpcEndpointLimitExceeded' }));
    const result = await pending;
    expect(result.status).toBe('Failed');
    expect(mutatingCalls(result).map((c) => c.api)).toEqual(expect.arrayContaining(['DeleteVpcEndpoints', 'DeleteSecurityGroup']));
    expectWithinTheRole(result, before);
  });

  it('the scripts write and clean up by the tag key the conditions name', () => {
    const dir = 'automations/scripts/CreateEcrVpcEndpoints';
    expect(readFileSync(`${dir}/apply_endpoints.py`, 'utf8')).toContain(`CREATED_BY = '${CREATED_BY_TAG_KEY}'`);
    expect(readFileSync(`${dir}/clean_up.py`, 'utf8')).toContain(`'tag:${CREATED_BY_TAG_KEY}'`);
  });
});

describe('automationPolicyStatements', () => {
  const actions = [...new Set(loadRunbooks().flatMap((r) => r.actions))].sort();
  const statements = automationPolicyStatements(actions, { exemptionTagKeys: ['ecr-guardrails:exempt'] });

  it('allows every runbook action exactly once, and nothing else', () => {
    const allowed = statements.filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action);
    expect([...allowed].sort()).toEqual(actions);
    expect(new Set(allowed).size).toBe(allowed.length);
  });

  it('keeps Resource * only for the actions with no narrower scope', () => {
    const wildcard = statements.filter((s) => s.Effect === 'Allow' && s.Resource.includes('*'));
    expect(wildcard).toHaveLength(1);
    expect(wildcard[0]!.Action).toEqual(unscopedActions(actions));
    for (const action of wildcard[0]!.Action) expect(ACTION_SCOPES).not.toHaveProperty(action);
    expect(wildcard[0]!.Action.filter((a) => !/^(ec2:(Describe|Get)|inspector2:|route53resolver:List)/.test(a))).toEqual([
      'ec2:CreateSecurityGroup',
      'ec2:CreateVpcEndpoint',
      'ec2:ModifyVpcEndpoint',
      'ecr:GetRegistryScanningConfiguration',
      'ecr:PutRegistryScanningConfiguration',
      // RestrictEcrRepositoryPolicy: the account's own organisation, no resource type.
      'organizations:DescribeOrganization',
    ]);
  });

  it('denies tagging with the exemption key, and allows no other key than the runbooks write', () => {
    expect(statements.find((s) => s.Sid === 'NeverTagExemptionKeys')).toEqual({
      Sid: 'NeverTagExemptionKeys',
      Effect: 'Deny',
      Action: ['ec2:CreateTags'],
      Resource: ['*'],
      Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['ecr-guardrails:exempt'] } },
    });
    const tag = statements.find((s) => s.Action.includes('ec2:CreateTags') && s.Effect === 'Allow')!;
    expect(tag.Condition).toEqual({
      StringEquals: { 'ec2:CreateAction': ['CreateVpcEndpoint', 'CreateSecurityGroup'] },
      'ForAllValues:StringEquals': { 'aws:TagKeys': ['Name', CREATED_BY_TAG_KEY] },
    });
  });
});
