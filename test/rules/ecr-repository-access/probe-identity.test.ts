/**
 * Probe callers carry names and ids no value of the policy singles out (probe-identity.ts): an
 * outside account names its roles, users and sessions itself, and AWS assigns unique ids
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids),
 * so a Deny matching only the names a probe happens to carry blocks no real caller.
 * aws:userid values by principal type:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-userid
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_IDENTITY, probeIdentity } from '../../../rules/ecr-repository-access/probe-identity.js';
import { policyRisk } from '../../../rules/ecr-repository-access/policy-risk.js';
import { CONTEXT, policy } from './policy-fixtures.js';

const OPEN = { Sid: 'Open', Effect: 'Allow', Principal: '*', Action: 'ecr:BatchGetImage' };
const deny = (condition: unknown) => ({ Sid: 'Blind', Effect: 'Deny', Principal: '*', Action: 'ecr:*', Condition: condition });
const kinds = async (text: string) => (await policyRisk(text, CONTEXT)).grants.map((grant) => [grant.kind, grant.principal]);

describe('policyRisk: a Deny aimed at the probes blinds nothing', () => {
  it.each([
    ['the probe role, user, root and federated user by ARN', { ArnLike: { 'aws:PrincipalArn': ['arn:aws:iam::*:role/ecr-guardrails-access-probe', 'arn:aws:iam::*:user/ecr-guardrails-access-probe', 'arn:aws:iam::*:root', 'arn:aws:sts::*:federated-user/ecr-guardrails-access-probe'] } }],
    ['the probe unique ids and session name by aws:userid', { StringLike: { 'aws:userid': ['AROAECRGUARDRAILSPROBE:*', 'AIDAECRGUARDRAILSPROBE', '????????????', '*:ecr-guardrails-access-probe'] } }],
    ['names starting like the probe', { ArnLike: { 'aws:PrincipalArn': ['arn:aws:iam::*:role/ecr-*', 'arn:aws:iam::*:user/ecr-*', 'arn:aws:iam::*:root'] } }],
    ['the probe organisation path', { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': ['*/r-ecrguardrailsprobe/*'] } }],
  ])('%s: any other caller can still pull (public)', async (_, condition) => {
    expect(await kinds(policy(OPEN, deny(condition)))).toContainEqual(['public', 'any AWS principal']);
  });

  it('a Deny that matches every name blocks everyone: nothing reaches outside', async () => {
    expect(await kinds(policy(OPEN, deny({ StringLike: { 'aws:userid': '*' } })))).toEqual([]);
  });

  it('an unnamed-service probe avoids a service name the policy singles out', async () => {
    const text = policy({ Sid: 'Services', Effect: 'Allow', Principal: '*', Action: 'ecr:BatchGetImage', Condition: { Bool: { 'aws:PrincipalIsAWSService': 'true' } } }, deny({ StringEquals: { 'aws:PrincipalServiceName': 'ecr-guardrails-probe.amazonaws.com' } }));
    expect((await policyRisk(text, CONTEXT)).grants.map((grant) => grant.kind)).toContain('service-unconfined');
  });
});

describe('probeIdentity', () => {
  it('keeps the readable default when nothing singles it out, also under patterns that match every name', () => {
    expect(probeIdentity(['arn:aws:iam::*:role/*', '*', '444455556666', 'ecr:BatchGetImage'])).toEqual(DEFAULT_IDENTITY);
  });

  it('moves away from a name, an id or a service singled out, and from patterns of one length', () => {
    const identity = probeIdentity(['arn:aws:iam::*:role/ecr-guardrails-access-probe', 'AROAECRGUARDRAILSPROBE:*', 'ecr-guardrails-probe.amazonaws.com', '????????????']);
    expect(identity).toBeDefined();
    expect(identity!.name).not.toBe(DEFAULT_IDENTITY.name);
    expect(identity!.id).not.toBe(DEFAULT_IDENTITY.id);
    expect(identity!.service).not.toBe(DEFAULT_IDENTITY.service);
    expect(identity!.name).not.toMatch(/^.{12}$/);
  });

  it('is the same for the same policy (deterministic)', () => {
    const values = ['arn:aws:iam::*:role/ecr-guardrails-access-probe'];
    expect(probeIdentity(values)).toEqual(probeIdentity(values));
  });
});
