/**
 * A service principal reached through `Principal: "*"` and a condition on the service's name
 * (aws:PrincipalServiceName, aws:PrincipalIsAWSService) is the same grant as naming the service
 * in `Principal.Service`: without aws:SourceAccount / aws:SourceArn / aws:SourceOrgID the service
 * can act for any account (confused deputy).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html (aws:PrincipalServiceName, aws:PrincipalIsAWSService)
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
 */
import { describe, expect, it } from 'vitest';
import { policyRisk, type AccessContext } from '../../../rules/ecr-repository-access/policy-risk.js';

const CONTEXT: AccessContext = { repositoryArn: 'arn:aws:ecr:eu-west-3:111122223333:repository/team-a/payments-api', accountId: '111122223333', organizationId: 'o-a1b2c3d4e5', trustedAccounts: [], allowedPullAccounts: [] };
const policy = (...statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const grants = async (condition: unknown) =>
  (await policyRisk(policy({ Sid: 'Services', Effect: 'Allow', Principal: '*', Action: ['ecr:BatchGetImage', 'ecr:PutImage'], Condition: condition }), CONTEXT)).grants.map((grant) => [grant.kind, grant.principal]);

describe('policyRisk: a service reached through Principal "*" and a condition on its name', () => {
  it('StringEquals aws:PrincipalServiceName lambda.amazonaws.com without a source condition is an unconfined service grant', async () => {
    expect(await grants({ StringEquals: { 'aws:PrincipalServiceName': 'lambda.amazonaws.com' } })).toEqual([['service-unconfined', 'service lambda.amazonaws.com']]);
  });

  it('Bool aws:PrincipalIsAWSService true lets every service in, for any account', async () => {
    expect((await grants({ Bool: { 'aws:PrincipalIsAWSService': 'true' } })).map(([kind]) => kind)).toContain('service-unconfined');
  });

  it('with aws:SourceAccount of our account it stays confined', async () => {
    expect(await grants({ StringEquals: { 'aws:PrincipalServiceName': 'lambda.amazonaws.com', 'aws:SourceAccount': '111122223333' } })).toEqual([]);
  });
});

/** aws:SourceArn with ArnLike: https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html ("aws:SourceArn ... with wildcard characters (*) for unknown portions"). */
describe('policyRisk: an aws:SourceArn pattern over every account is no source condition', () => {
  const build = (sourceArn: string) =>
    JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'CodeBuild', Effect: 'Allow', Principal: { Service: 'codebuild.amazonaws.com' }, Action: 'ecr:BatchGetImage', Condition: { ArnLike: { 'aws:SourceArn': sourceArn } } }] });

  it('ArnLike aws:SourceArn arn:aws:codebuild:*:*:project/* lets CodeBuild act for any account', async () => {
    expect((await policyRisk(build('arn:aws:codebuild:*:*:project/*'), CONTEXT)).grants.map((grant) => grant.kind)).toEqual(['service-unconfined']);
  });

  it('ArnLike aws:SourceArn with our account and a wildcard project stays confined', async () => {
    expect((await policyRisk(build('arn:aws:codebuild:eu-west-3:111122223333:project/*'), CONTEXT)).grants).toEqual([]);
  });
});

describe('policyRisk: a service principal name in another case', () => {
  it('Principal {"Service": "CodeBuild.amazonaws.com"} without a source condition is not passed unseen', async () => {
    const text = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Build', Effect: 'Allow', Principal: { Service: 'CodeBuild.amazonaws.com' }, Action: 'ecr:BatchGetImage' }] });
    expect((await policyRisk(text, CONTEXT)).grants.map((grant) => grant.kind)).toEqual(['service-unconfined']);
  });
});

/**
 * aws:SourceAccount / aws:SourceArn are in the request only when the service acts for a resource
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceaccount);
 * `...IfExists` and `ForAllValues:` pass when the key is absent, so they protect nothing.
 */
describe('policyRisk: source conditions that pass when the key is absent', () => {
  const service = (condition: unknown) =>
    policyRisk(policy({ Sid: 'CodeBuild', Effect: 'Allow', Principal: { Service: 'codebuild.amazonaws.com' }, Action: 'ecr:BatchGetImage', Condition: condition }), CONTEXT);

  it.each([
    ['StringEqualsIfExists aws:SourceAccount', { StringEqualsIfExists: { 'aws:SourceAccount': '111122223333' } }],
    ['ArnLikeIfExists aws:SourceArn', { ArnLikeIfExists: { 'aws:SourceArn': 'arn:aws:codebuild:eu-west-3:111122223333:project/*' } }],
    ['ForAllValues:StringEquals aws:SourceAccount', { 'ForAllValues:StringEquals': { 'aws:SourceAccount': ['111122223333'] } }],
  ])('%s: a service call without source keys gets through, so the grant is unconfined', async (_name, condition) => {
    expect((await service(condition)).grants.map((grant) => [grant.kind, grant.principal])).toEqual([['service-unconfined', 'service codebuild.amazonaws.com']]);
  });

  it('StringEquals aws:SourceAccount (the key required) stays confined', async () => {
    expect((await service({ StringEquals: { 'aws:SourceAccount': '111122223333' } })).grants).toEqual([]);
  });
});
