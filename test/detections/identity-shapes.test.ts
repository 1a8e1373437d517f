/**
 * userIdentity shapes CloudTrail records besides a same-account role session
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html):
 * `AWSAccount` ("the request was made by another AWS account": accountId and principalId, no
 * arn), `AWSService` (invokedBy, no account), `IAMUser`, `Root`. Each must classify, never
 * become a "could not classify" alert, and never be mistaken for an outside principal.
 */
import { describe, expect, it } from 'vitest';
import { detection as pulled } from '../../detections/ecr-image-pulled-outside-org/detection.js';
import { detection as tagMutability } from '../../detections/ecr-tag-mutability/detection.js';
import { actorOf } from '../../detections/kernel/cloudtrail.js';
import { ecrEvent, ORG_PEER, OUTSIDE_ACCOUNT, SAMPLE_ACCOUNT, SAMPLE_CONTEXT } from '../../detections/kernel/samples.js';

const pull = { repositoryName: 'payments/api', registryId: SAMPLE_ACCOUNT, imageIds: [{ imageTag: 'v1.4.2' }] };
const awsAccount = (accountId: string) => ({ type: 'AWSAccount', principalId: 'AROAEXAMPLEID:i-0abc123def4567890', accountId });

describe('userIdentity shapes', () => {
  it('names an AWSAccount caller (no arn) by its account and principal id', () => {
    const event = ecrEvent('BatchGetImage', pull, { userIdentity: awsAccount(OUTSIDE_ACCOUNT) });
    expect(actorOf(event)).toMatchObject({ arn: `AWSAccount ${OUTSIDE_ACCOUNT} (principal AROAEXAMPLEID:i-0abc123def4567890)`, accountId: OUTSIDE_ACCOUNT, identityType: 'AWSAccount' });
  });

  it('alerts on a pull by an outside AWSAccount caller, and not on one by an organisation account', () => {
    expect(pulled.classify(ecrEvent('BatchGetImage', pull, { userIdentity: awsAccount(OUTSIDE_ACCOUNT) }), SAMPLE_CONTEXT)).toMatchObject({ severity: 'HIGH', change: expect.stringContaining(OUTSIDE_ACCOUNT) });
    expect(pulled.classify(ecrEvent('BatchGetImage', pull, { userIdentity: awsAccount(ORG_PEER) }), SAMPLE_CONTEXT)).toBeUndefined();
  });

  it('does not report a pull by an AWS service (invokedBy, no account) as an outside account', () => {
    const event = ecrEvent('BatchGetImage', pull, { userIdentity: { type: 'AWSService', invokedBy: 'lambda.amazonaws.com' }, sourceIPAddress: 'lambda.amazonaws.com' });
    expect(pulled.classify(event, SAMPLE_CONTEXT)).toBeUndefined();
  });

  it('names IAM users and the root user by their ARN', () => {
    const user = ecrEvent('PutImageTagMutability', { repositoryName: 'payments/api', imageTagMutability: 'MUTABLE' }, { userIdentity: { type: 'IAMUser', principalId: 'AIDAEXAMPLEID', arn: `arn:aws:iam::${SAMPLE_ACCOUNT}:user/ci`, accountId: SAMPLE_ACCOUNT, userName: 'ci' } });
    const root = ecrEvent('PutImageTagMutability', { repositoryName: 'payments/api', imageTagMutability: 'MUTABLE' }, { userIdentity: { type: 'Root', principalId: SAMPLE_ACCOUNT, arn: `arn:aws:iam::${SAMPLE_ACCOUNT}:root`, accountId: SAMPLE_ACCOUNT } });
    expect(tagMutability.classify(user, SAMPLE_CONTEXT)?.actor).toMatchObject({ arn: `arn:aws:iam::${SAMPLE_ACCOUNT}:user/ci`, identityType: 'IAMUser' });
    expect(tagMutability.classify(root, SAMPLE_CONTEXT)?.actor).toMatchObject({ arn: `arn:aws:iam::${SAMPLE_ACCOUNT}:root`, identityType: 'Root' });
  });
});
