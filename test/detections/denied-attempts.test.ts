/**
 * A call CloudTrail records with an access-denied errorCode changed nothing, but an attempt to
 * make a repository public or turn DNS off is itself worth a look: it is reported as a denied
 * attempt (lower severity, saying nothing changed), never as the change. Other failures
 * (not found, validation, DryRunOperation) are not reported.
 * Error codes: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html (errorCode).
 */
import { describe, expect, it } from 'vitest';
import { DETECTIONS } from '../../detections/index.js';
import { detection as repositoryPolicy } from '../../detections/ecr-repository-policy/detection.js';
import { detection as tagMutability } from '../../detections/ecr-tag-mutability/detection.js';
import { detection as endpoint } from '../../detections/vpc-endpoint-weakened/detection.js';
import { detect } from '../../detections/kernel/detect.js';
import { ec2Event, ecrEvent, SAMPLE_CONTEXT } from '../../detections/kernel/samples.js';

const publicPolicy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: ['ecr:BatchGetImage'] }] });

describe('denied attempts', () => {
  it('reports a denied attempt to set a repository policy as an attempt, not as a policy set', () => {
    const event = ecrEvent('SetRepositoryPolicy', { repositoryName: 'payments/api', policyText: publicPolicy }, { errorCode: 'AccessDenied' });
    const [result] = detect(event, { ...SAMPLE_CONTEXT, ratePolicy: () => 'HIGH' }, DETECTIONS);
    expect(result?.detection).toBe(repositoryPolicy);
    expect(result?.alert).toMatchObject({ severity: 'MEDIUM', title: 'Repository policy set or deleted (attempt denied)', change: expect.stringMatching(/^attempt denied \(AccessDenied\); had it succeeded: repository policy set/) });
    expect(result?.alert?.runbook).toBeUndefined();
    expect(result?.alert?.denied).toBe('AccessDenied');
  });

  it('rates denied attempts of lesser changes LOW, with a key apart from the change itself', () => {
    const made = ecrEvent('PutImageTagMutability', { repositoryName: 'payments/api', imageTagMutability: 'MUTABLE' });
    const denied = ecrEvent('PutImageTagMutability', { repositoryName: 'payments/api', imageTagMutability: 'MUTABLE' }, { errorCode: 'AccessDeniedException' });
    const attempt = detect(denied, SAMPLE_CONTEXT, [tagMutability])[0]!.alert!;
    expect(attempt.severity).toBe('LOW');
    expect(attempt.dedupeKey).not.toBe(detect(made, SAMPLE_CONTEXT, [tagMutability])[0]!.alert!.dedupeKey);
  });

  it('reports EC2 UnauthorizedOperation the same way', () => {
    const event = ec2Event('DeleteVpcEndpoints', { DeleteVpcEndpointsRequest: { VpcEndpointId: { tag: 1, content: 'vpce-0a1b2c3d4e5f60718' } } }, { errorCode: 'Client.UnauthorizedOperation' });
    expect(detect(event, SAMPLE_CONTEXT, [endpoint])[0]!.alert).toMatchObject({ severity: 'LOW', change: 'attempt denied (Client.UnauthorizedOperation); had it succeeded: VPC endpoint(s) deleted: vpce-0a1b2c3d4e5f60718' });
  });

  it.each(['Client.DryRunOperation', 'RepositoryNotEmptyException', 'InvalidParameterException'])('reports nothing for a call that failed with %s', (errorCode) => {
    const events = [ecrEvent('PutImageTagMutability', { repositoryName: 'payments/api', imageTagMutability: 'MUTABLE' }, { errorCode }), ec2Event('DeleteVpcEndpoints', { DeleteVpcEndpointsRequest: { VpcEndpointId: { tag: 1, content: 'vpce-0a1b2c3d4e5f60718' } } }, { errorCode })];
    for (const event of events) expect(detect(event, SAMPLE_CONTEXT, DETECTIONS).map((r) => r.alert)).toEqual([undefined]);
  });
});
