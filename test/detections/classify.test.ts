import { describe, expect, it } from 'vitest';
import { detection as batchDeleted } from '../../detections/ecr-images-batch-deleted/detection.js';
import { detection as pulled } from '../../detections/ecr-image-pulled-outside-org/detection.js';
import { detection as external } from '../../detections/ecr-registry-external-access/detection.js';
import { detection as repositoryPolicy } from '../../detections/ecr-repository-policy/detection.js';
import { detection as tagMutability } from '../../detections/ecr-tag-mutability/detection.js';
import { DetectionEventError } from '../../detections/kernel/cloudtrail.js';
import { renderAlert } from '../../detections/kernel/detect.js';
import { ecrEvent, OUTSIDE_ACCOUNT, roleSession, SAMPLE_CONTEXT } from '../../detections/kernel/samples.js';
import type { DetectionContext } from '../../detections/kernel/types.js';
import { AUTOMATION_ROLE_NAME } from '../../rules/names.js';

const unknownOrg: DetectionContext = { automationRoleName: AUTOMATION_ROLE_NAME };
const setPolicy = repositoryPolicy.samples.positive[0]!.event;

describe('repository policy severity comes from the injected policy evaluator', () => {
  it('uses the rating of the new policy, with the policy text and account', () => {
    const seen: string[] = [];
    const alert = repositoryPolicy.classify(setPolicy, { ...SAMPLE_CONTEXT, ratePolicy: (text, account) => (seen.push(account, text), 'LOW') });
    expect(alert?.severity).toBe('LOW');
    expect(alert?.change).toContain('rated LOW');
    expect(seen).toEqual([setPolicy.account, (setPolicy.detail.requestParameters as { policyText: string }).policyText]);
  });

  it.each([
    ['no evaluator', SAMPLE_CONTEXT],
    ['an evaluator that cannot rate the policy', { ...SAMPLE_CONTEXT, ratePolicy: () => undefined }],
  ])('is HIGH with %s (never quieter for lack of a rating)', (_name, context) => {
    expect(repositoryPolicy.classify(setPolicy, context)).toMatchObject({ severity: 'HIGH', change: expect.stringContaining('not rated') });
  });
});

describe('organisation membership', () => {
  it('reports an unverified outside account as MEDIUM when the organisation is unknown', () => {
    const event = external.samples.positive[0]!.event;
    expect(external.classify(event, unknownOrg)).toMatchObject({ severity: 'MEDIUM', change: expect.stringContaining(`not verified against the organisation: ${OUTSIDE_ACCOUNT}`) });
    expect(external.classify(event, SAMPLE_CONTEXT)).toMatchObject({ severity: 'HIGH', change: expect.stringContaining(`outside the organisation: ${OUTSIDE_ACCOUNT}`) });
  });

  it('reports a pull by an organisation account as unverified when the organisation is unknown', () => {
    const inOrg = pulled.samples.negative[0]!.event;
    expect(pulled.classify(inOrg, SAMPLE_CONTEXT)).toBeUndefined();
    expect(pulled.classify(inOrg, unknownOrg)?.severity).toBe('MEDIUM');
  });

  it('treats a wildcard principal in a registry policy as public, whatever the organisation', () => {
    const event = ecrEvent('PutRegistryPolicy', { policyText: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'ecr:ReplicateImage' }] }) });
    expect(external.classify(event, SAMPLE_CONTEXT)).toMatchObject({ severity: 'HIGH', change: expect.stringContaining('every AWS account') });
  });

  it('treats Allow with NotPrincipal as granting every account but the ones named (IAM: NotPrincipal with Allow)', () => {
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
    const event = ecrEvent('PutRegistryPolicy', { policyText: JSON.stringify({ Statement: [{ Effect: 'Allow', NotPrincipal: { AWS: 'arn:aws:iam::777788889999:root' }, Action: 'ecr:ReplicateImage', Resource: '*' }] }) });
    expect(external.classify(event, SAMPLE_CONTEXT)).toMatchObject({ severity: 'HIGH', change: expect.stringContaining('every AWS account') });
  });

  it('accepts a wildcard confined to this organisation (aws:PrincipalOrgID), and only this one', () => {
    // Condition on aws:PrincipalOrgID: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
    const confined = (org: string) => ecrEvent('PutRegistryPolicy', { policyText: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: ['ecr:ReplicateImage', 'ecr:CreateRepository'], Resource: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': org } } }] }) });
    const ours = { ...SAMPLE_CONTEXT, organizationId: 'o-a1b2c3d4e5' };
    expect(external.classify(confined('o-a1b2c3d4e5'), ours)).toBeUndefined();
    expect(external.classify(confined('o-zzzzzzzzzz'), ours)).toMatchObject({ severity: 'HIGH', change: expect.stringContaining('every AWS account') });
    // The organisation id unknown: the wildcard cannot be verified, so it is reported.
    expect(external.classify(confined('o-a1b2c3d4e5'), SAMPLE_CONTEXT)).toMatchObject({ severity: 'HIGH' });
  });

  it('rejects a registry policy that is not JSON, naming the field', () => {
    const event = ecrEvent('PutRegistryPolicy', { policyText: '{not json' });
    expect(() => external.classify(event, SAMPLE_CONTEXT)).toThrow(/requestParameters\.policyText is not JSON/);
  });
});

describe('automation role', () => {
  it('is only trusted in the account the deletion happened in', () => {
    const event = ecrEvent('BatchDeleteImage', { repositoryName: 'payments/api', imageIds: [{ imageTag: 'v1' }] }, { userIdentity: roleSession(AUTOMATION_ROLE_NAME, OUTSIDE_ACCOUNT) });
    expect(batchDeleted.classify(event, SAMPLE_CONTEXT)?.actor.accountId).toBe(OUTSIDE_ACCOUNT);
  });
});

describe('bad input', () => {
  it('names the missing request parameter instead of staying silent', () => {
    const event = ecrEvent('PutImageTagMutability', { imageTagMutability: 'MUTABLE' });
    expect(() => tagMutability.classify(event, SAMPLE_CONTEXT)).toThrow(DetectionEventError);
    expect(() => tagMutability.classify(event, SAMPLE_CONTEXT)).toThrow(/requestParameters\.repositoryName is missing/);
  });

  it('names the missing userIdentity', () => {
    const event = ecrEvent('DeleteLifecyclePolicy', { repositoryName: 'r' }, { userIdentity: {} });
    expect(() => batchDeleted.classify({ ...event, detail: { ...event.detail, eventName: 'BatchDeleteImage' } }, SAMPLE_CONTEXT)).toThrow(/userIdentity has neither "arn", "invokedBy" nor "accountId"/);
  });
});

describe('the message a person acts on', () => {
  it('names the CloudTrail event to look up (event name and id) besides who, from where and what to do', () => {
    const event = tagMutability.samples.positive[0]!.event;
    const text = renderAlert(tagMutability.classify(event, SAMPLE_CONTEXT)!);
    expect(text).toContain(`  CloudTrail: PutImageTagMutability, event id ${String(event.detail.eventID)} (aws cloudtrail lookup-events --region eu-west-3 --lookup-attributes AttributeKey=EventId,AttributeValue=${String(event.detail.eventID)})`);
  });
});

describe('deduplication key', () => {
  it('is equal for the same actor, resource and change, and differs otherwise', () => {
    const first = tagMutability.classify(tagMutability.samples.positive[0]!.event, SAMPLE_CONTEXT)!;
    const again = tagMutability.classify({ ...tagMutability.samples.positive[0]!.event, id: 'another-delivery', time: '2026-11-28T10:03:00Z' }, SAMPLE_CONTEXT)!;
    const other = tagMutability.classify(tagMutability.samples.positive[1]!.event, SAMPLE_CONTEXT)!;
    expect(again.dedupeKey).toBe(first.dedupeKey);
    expect(other.dedupeKey).not.toBe(first.dedupeKey);
  });
});
