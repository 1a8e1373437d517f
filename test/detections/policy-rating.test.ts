/**
 * Issue 15: repository-policy alerts are rated by the ecr-repository-access simulation. The
 * detection Lambda rates the policy a SetRepositoryPolicy event sets before classifying it.
 * Policy shapes: https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { describe, expect, it } from 'vitest';
import { detection as repositoryPolicy } from '../../detections/ecr-repository-policy/detection.js';
import { handleEvent, ratingFromEnvironment } from '../../detections/handler.js';
import { detect } from '../../detections/kernel/detect.js';
import { withPolicyRating, type RatingSettings } from '../../detections/kernel/policy-rating.js';
import { ecrEvent, OUTSIDE_ACCOUNT, SAMPLE_CONTEXT } from '../../detections/kernel/samples.js';

const ORG = 'o-a1b2c3d4e5';
const RATING: RatingSettings = { organizationId: ORG, trustedAccounts: [], allowedPullAccounts: [], partition: 'aws' };
const setPolicy = (...statements: unknown[]) => ecrEvent('SetRepositoryPolicy', { repositoryName: 'payments/api', policyText: JSON.stringify({ Version: '2012-10-17', Statement: statements }) });
const PULL = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'];

async function alertOf(event: ReturnType<typeof setPolicy>, rating = RATING) {
  const context = await withPolicyRating(event, SAMPLE_CONTEXT, rating);
  return detect(event, context, [repositoryPolicy])[0]!.alert!;
}

describe('repository-policy alerts rated by policyRisk', () => {
  it.each([
    ['public push', [{ Sid: 'Open', Effect: 'Allow', Principal: '*', Action: ['ecr:PutImage'] }], 'CRITICAL'],
    ['public pull', [{ Sid: 'Open', Effect: 'Allow', Principal: '*', Action: PULL }], 'HIGH'],
    ['outside account push', [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OUTSIDE_ACCOUNT}:root` }, Action: ['ecr:PutImage'] }], 'HIGH'],
    ['CodeBuild without source condition', [{ Effect: 'Allow', Principal: { Service: 'codebuild.amazonaws.com' }, Action: PULL }], 'MEDIUM'],
    ['organisation-confined', [{ Effect: 'Allow', Principal: '*', Action: 'ecr:*', Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } } }], 'INFORMATIONAL'],
  ])('%s: %s', async (_label, statements, severity) => {
    const alert = await alertOf(setPolicy(...statements));
    expect(alert.severity).toBe(severity);
    expect(alert.change).toBe(`repository policy set (rated ${severity} by ecr-repository-access)`);
  });

  it('an allowed-pull account configured for the rule lowers a vendor pull to no risk', async () => {
    const vendor = setPolicy({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OUTSIDE_ACCOUNT}:root` }, Action: PULL });
    expect((await alertOf(vendor)).severity).toBe('MEDIUM');
    expect((await alertOf(vendor, { ...RATING, allowedPullAccounts: [OUTSIDE_ACCOUNT] })).severity).toBe('INFORMATIONAL');
  });

  it('a policy the simulator cannot judge stays unrated: HIGH, "treat as public"', async () => {
    const alert = await alertOf(ecrEvent('SetRepositoryPolicy', { repositoryName: 'payments/api', policyText: '{"Statement": [' }));
    expect(alert).toMatchObject({ severity: 'HIGH', change: 'repository policy set (not rated: treat as public until reviewed)' });
  });

  it('a denied attempt is rated too, so the attempt says what it would have opened (and is not reported as set)', async () => {
    const attempt = ecrEvent('SetRepositoryPolicy', { repositoryName: 'payments/api', policyText: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: ['ecr:PutImage'] }] }) }, { errorCode: 'AccessDenied' });
    expect(await alertOf(attempt)).toMatchObject({ severity: 'MEDIUM', change: 'attempt denied (AccessDenied); had it succeeded: repository policy set (rated CRITICAL by ecr-repository-access)' });
  });

  it('other events get no rating', async () => {
    const deleted = ecrEvent('DeleteRepositoryPolicy', { repositoryName: 'payments/api' });
    expect((await withPolicyRating(deleted, SAMPLE_CONTEXT, RATING)).ratePolicy).toBeUndefined();
  });

  it('the Lambda rates with the settings the CDK app puts in its environment', async () => {
    expect(ratingFromEnvironment({ ORGANIZATION_ID: ORG, ACCESS_TRUSTED_ACCOUNTS: '222233334444', ACCESS_ALLOWED_PULL_ACCOUNTS: '', AWS_PARTITION: 'aws' })).toEqual({
      organizationId: ORG,
      trustedAccounts: ['222233334444'],
      allowedPullAccounts: [],
      partition: 'aws',
    });
    const sns = mockClient(SNSClient);
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const event = setPolicy({ Sid: 'Open', Effect: 'Allow', Principal: '*', Action: ['ecr:PutImage'] });
    await handleEvent(event, { sns: new SNSClient({ region: 'eu-west-3' }), topicArn: 'arn:aws:sns:eu-west-3:111122223333:EcrGuardrails-Alerts', context: SAMPLE_CONTEXT, rating: RATING });
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { Subject: expect.stringMatching(/^\[CRITICAL\] Repository policy set or deleted: payments\/api/) });
    sns.restore();
  });
});
