/**
 * One unreadable repository never sinks the region: a repository policy that denies the
 * evaluation role, or a KMS key that denies it, makes that repository "not readable" and the
 * others are evaluated as usual. Errors as ECR documents them:
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImages.html#API_DescribeImages_Errors
 * (KmsException: "The operation failed due to a KMS exception"),
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/CommonErrors.html (AccessDeniedException).
 */
import { DescribeImagesCommand, DescribeRepositoriesCommand, ECRClient, GetLifecyclePolicyCommand, ListTagsForResourceCommand, ECRServiceException } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { evaluateSnapshot } from '../../../cli/scan.js';
import { exitStatus } from '../../../cli/report/fail-on.js';
import { collectStaleImages } from '../../../rules/ecr-stale-images/collect.js';
import { toConfigEvaluation } from '../../../rules/kernel/config-sink.js';
import { rule } from '../../../rules/ecr-stale-images/rule.js';
import { collector as tagCollector } from '../../../rules/ecr-tag-immutability/collect.js';
import { rule as tagRule } from '../../../rules/ecr-tag-immutability/rule.js';
import { defaultRuleParameters } from '../../../rules/kernel/parameters.js';
import { DEFAULTS, GOOD_POLICY, NOW, staleContext } from '../../fixtures/ecr-stale-images/collect-context.js';
import { ecrRepository } from '../../support/ecr.js';

const ecr = mockClient(ECRClient);
const denied = (name: string, message: string) => new ECRServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: 400 }, message });
const arnOf = (name: string) => ecrRepository(name).repositoryArn!;

beforeEach(() => {
  ecr.reset();
  ecr.on(DescribeRepositoriesCommand).resolves({ repositories: ['team/open', 'team/locked', 'team/kms'].map((name) => ecrRepository(name)) });
  ecr.on(ListTagsForResourceCommand).resolves({ tags: [] });
  ecr.on(GetLifecyclePolicyCommand).resolves({ lifecyclePolicyText: GOOD_POLICY });
  ecr.on(DescribeImagesCommand).resolves({ imageDetails: [] });
});

describe('one unreadable repository', () => {
  it.each([
    ['DescribeImages denied by the repository policy', () => {
      ecr.on(DescribeImagesCommand, { repositoryName: 'team/locked' }).rejects(denied('AccessDeniedException', 'User: arn:aws:sts::111122223333:assumed-role/EcrGuardrailsEvaluation/x is not authorized to perform: ecr:DescribeImages on resource: team/locked with an explicit deny in a resource-based policy'));
    }, 'ecr:DescribeImages', 'AccessDeniedException'],
    ['GetLifecyclePolicy denied', () => {
      ecr.on(GetLifecyclePolicyCommand, { repositoryName: 'team/locked' }).rejects(denied('AccessDeniedException', 'not authorized to perform: ecr:GetLifecyclePolicy'));
    }, 'ecr:GetLifecyclePolicy', 'AccessDeniedException'],
    ['ListTagsForResource denied (the exemption cannot be judged)', () => {
      ecr.on(ListTagsForResourceCommand, { resourceArn: arnOf('team/locked') }).rejects(denied('AccessDeniedException', 'not authorized to perform: ecr:ListTagsForResource'));
    }, 'ecr:ListTagsForResource', 'AccessDeniedException'],
    ['a KMS key that denies the role', () => {
      ecr.on(DescribeImagesCommand, { repositoryName: 'team/locked' }).rejects(denied('KmsException', 'User is not authorized to perform kms:Decrypt with key arn:aws:kms:eu-west-3:111122223333:key/1234'));
    }, 'ecr:DescribeImages', 'KmsException'],
  ])('%s: that repository is reported Not readable, the others evaluated', async (_name, deny, call, error) => {
    deny();
    const facts = await collectStaleImages(staleContext());
    const evaluations = rule.evaluate(facts, DEFAULTS, NOW);
    expect(evaluations.map((e) => [e.resourceId, e.complianceType])).toEqual([
      ['team/open', 'COMPLIANT'],
      ['team/locked', 'NON_COMPLIANT'],
      ['team/kms', 'COMPLIANT'],
    ]);
    const locked = evaluations.find((e) => e.resourceId === 'team/locked')!;
    expect(locked.annotation).toMatch(new RegExp(`^Not readable: ${call} denied \\(${error}\\); the evaluation role needs ${call}`));
    expect(locked.runbook).toBeUndefined();
    expect(locked.notReadable).toMatchObject({ call, error });
    // What Lambda sends to Config (PutEvaluations, annotation cut to 256 characters).
    const sent = toConfigEvaluation(locked, NOW);
    expect(sent).toMatchObject({ ComplianceType: 'NON_COMPLIANT', ComplianceResourceId: 'team/locked' });
    expect(sent.Annotation).toMatch(new RegExp(`^Not readable: ${call} denied`));
    expect(sent.Annotation!.length).toBeLessThanOrEqual(256);
  });

  it('the tag-immutability rule reports a repository whose tags are denied, and evaluates the others', async () => {
    ecr.on(ListTagsForResourceCommand, { resourceArn: arnOf('team/locked') }).rejects(denied('AccessDeniedException', 'explicit deny'));
    const params = defaultRuleParameters(tagRule.id, tagRule.parameters);
    const facts = await tagCollector.collectAll(staleContext() as never);
    const evaluations = tagRule.evaluate(facts, params as never, NOW);
    expect(evaluations.map((e) => [e.resourceId, e.complianceType, e.annotation.startsWith('Not readable: ecr:ListTagsForResource')])).toEqual([
      ['team/open', 'NON_COMPLIANT', false],
      ['team/locked', 'NON_COMPLIANT', true],
      ['team/kms', 'NON_COMPLIANT', false],
    ]);
  });

  it('the CLI lists it under not evaluated, offers no runbook for it, and exits 2', async () => {
    ecr.on(DescribeImagesCommand, { repositoryName: 'team/locked' }).rejects(denied('AccessDeniedException', 'explicit deny'));
    const facts = await collectStaleImages(staleContext());
    const snapshot = { format: 'ecr-guardrails-snapshot' as const, version: 1 as const, collectedAt: NOW.toISOString(), scopes: [{ accountId: '111122223333', region: 'eu-west-3', partition: 'aws', facts: { [rule.id]: facts } }] };
    const { findings, problems } = await evaluateSnapshot(snapshot, [{ rule, params: DEFAULTS }]);
    expect(findings.map((f) => f.resourceId)).toEqual(['team/open', 'team/kms']);
    expect(problems).toEqual([expect.objectContaining({ ruleId: rule.id, resourceId: 'team/locked', message: expect.stringMatching(/^Not readable: ecr:DescribeImages denied/) })]);
    // exitStatus reads the report's problems and results only.
    expect(exitStatus({ problems, results: findings } as never, 'non-compliant')).toBe(2);
  });

  it('still fails the region on an error that is not about one repository', async () => {
    ecr.on(DescribeImagesCommand, { repositoryName: 'team/locked' }).rejects(new ECRServiceException({ name: 'ServerException', $fault: 'server', $metadata: { httpStatusCode: 500 }, message: 'internal' }));
    await expect(collectStaleImages(staleContext())).rejects.toThrow(/ServerException/);
  });
});
