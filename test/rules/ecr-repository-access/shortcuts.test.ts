/**
 * The shortcuts that keep a policy's cost flat (scope.ts, merge.ts, one organisation when no
 * condition reads it, the implicit deny without a simulation) change no verdict: every policy
 * here is judged both ways, with them and `exhaustive` (every question against the whole policy).
 * - Principal element: an AWS entry is an account or a principal ARN, no wildcard but "*":
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 * - Several values of one condition key are an OR, a negated operator's a NOR:
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html
 * - NotAction: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
 */
import { describe, expect, it } from 'vitest';
import { mergeConditionValues } from '../../../rules/ecr-repository-access/merge.js';
import { policyRisk, type PolicyRisk } from '../../../rules/ecr-repository-access/policy-risk.js';
import { scoper } from '../../../rules/ecr-repository-access/scope.js';
import { CONTEXT, ORG, policy } from './policy-fixtures.js';

const OUTSIDE = '444455556666';
const VENDOR = '555566667777'; // in AllowedPullAccounts
const OTHER = '777788889999';
const PULL = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'];
const PUSH = ['ecr:PutImage', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload'];
const ip = (cidr: string, sid?: string, actions: unknown = PULL, principal: unknown = '*') => ({ ...(sid ? { Sid: sid } : {}), Effect: 'Allow', Principal: principal, Action: actions, Condition: { IpAddress: { 'aws:SourceIp': cidr } } });

const CASES: Array<[string, string]> = [
  ['a Principal list mixing our, trusted, allowed and outside accounts', policy({ Sid: 'Mixed', Effect: 'Allow', Principal: { AWS: ['111122223333', '222233334444', VENDOR, `arn:aws:iam::${OUTSIDE}:root`, `arn:aws:iam::${OTHER}:role/ci`] }, Action: [...PULL, ...PUSH] })],
  ['a "*" inside a Principal list', policy({ Sid: 'Star', Effect: 'Allow', Principal: { AWS: [OUTSIDE, '*'] }, Action: PULL })],
  ['a wildcard principal ARN (not valid in IAM, kept as written)', policy({ Sid: 'Wild', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::4444*:root' }, Action: PUSH })],
  ['NotPrincipal naming one account', policy({ Sid: 'Not', Effect: 'Allow', NotPrincipal: { AWS: `arn:aws:iam::${OUTSIDE}:root` }, Action: PULL })],
  ['a Deny naming an account in a list, and an Allow to it', policy({ Sid: 'Grant', Effect: 'Allow', Principal: { AWS: [OUTSIDE, OTHER] }, Action: 'ecr:*' }, { Sid: 'Block', Effect: 'Deny', Principal: { AWS: [`arn:aws:iam::${OUTSIDE}:root`, '111122223333'] }, Action: PUSH })],
  ['AWS and Service principals in one statement', policy({ Sid: 'Both', Effect: 'Allow', Principal: { AWS: OUTSIDE, Service: 'codebuild.amazonaws.com' }, Action: PULL })],
  ['a Service-only statement and an account grant', policy({ Sid: 'Build', Effect: 'Allow', Principal: { Service: 'codebuild.amazonaws.com' }, Action: PULL }, { Sid: 'Acct', Effect: 'Allow', Principal: { AWS: OTHER }, Action: PUSH })],
  ['public statements under aws:SourceIp, one per network (merged)', policy(...Array.from({ length: 6 }, (_, i) => ip(`198.51.${i}.0/24`, `Net${i}`)))],
  ['negated operators per network (a NOR: not merged)', policy(...Array.from({ length: 3 }, (_, i) => ({ Sid: `Not${i}`, Effect: 'Allow', Principal: '*', Action: PULL, Condition: { NotIpAddress: { 'aws:SourceIp': `10.${i}.0.0/16` } } })))],
  ['IfExists per VPC endpoint', policy(...['vpce-1', 'vpce-2', 'vpce-3'].map((vpce, i) => ({ Sid: `E${i}`, Effect: 'Allow', Principal: '*', Action: PUSH, Condition: { StringEqualsIfExists: { 'aws:SourceVpce': vpce } } })))],
  ['set operators per tag (not merged)', policy(...['a', 'b'].map((tag, i) => ({ Sid: `T${i}`, Effect: 'Allow', Principal: '*', Action: PULL, Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': [tag] } } })))],
  ['per-network statements with different actions (not merged)', policy(ip('198.51.0.0/24', 'Pull', PULL), ip('198.51.1.0/24', 'Push', PUSH))],
  ['per-account statements confined to networks', policy(...[OUTSIDE, OTHER, VENDOR].map((account, i) => ip(`198.51.${i}.0/24`, `A${i}`, [...PULL, ...PUSH], { AWS: account })))],
  ['two keys in one condition per statement (an AND: not merged)', policy(...[0, 1].map((i) => ({ Sid: `K${i}`, Effect: 'Allow', Principal: '*', Action: PULL, Condition: { IpAddress: { 'aws:SourceIp': `198.51.${i}.0/24` }, StringEquals: { 'aws:SourceVpce': `vpce-${i}` } } })))],
  ['the organisation read per statement (a fixed key: not merged)', policy(...[ORG, 'o-zzzzzzzzzz'].map((org, i) => ({ Sid: `O${i}`, Effect: 'Allow', Principal: '*', Action: PUSH, Condition: { StringEquals: { 'aws:PrincipalOrgID': org } } })))],
  ['NotAction and an account', policy({ Sid: 'AllBut', Effect: 'Allow', Principal: { AWS: OUTSIDE }, NotAction: ['ecr:PutImage', 'ecr:Batch*'] })],
  ['role and federated user sessions in an account list, a Deny on the role', policy({ Sid: 'Sessions', Effect: 'Allow', Principal: { AWS: [`arn:aws:sts::${OUTSIDE}:assumed-role/ci/build`, `arn:aws:sts::${OTHER}:federated-user/bob`, VENDOR] }, Action: [...PULL, ...PUSH] }, { Sid: 'NoCi', Effect: 'Deny', Principal: { AWS: `arn:aws:iam::${OUTSIDE}:role/ci` }, Action: PUSH })],
  ['an Allow that covers no repository action', policy({ Sid: 'Describe', Effect: 'Allow', Principal: { AWS: OUTSIDE }, Action: 'ecr:DescribeRegistry' }, { Sid: 'Pull', Effect: 'Allow', Principal: { AWS: OTHER }, Action: PULL })],
];

/** The grants with `when` read as a set of (key, operator, value) alternatives: `x a|b` and `(x a or x b)` say the same (not for a negated x). */
function comparable(risk: PolicyRisk): unknown {
  const alternatives = (when: string | undefined) => {
    if (!when) return undefined;
    const body = /^\((.*)\)$/.exec(when)?.[1] ?? when;
    if (/[()]| and /.test(body)) return [when];
    return [...new Set(body.split(' or ').flatMap((leaf) => {
      const [key, operator, values] = leaf.split(' ');
      // Several values of a negated operator are a NOR: one alternative, not several.
      return /Not/.test(operator ?? '') ? [leaf] : (values ?? '').split('|').map((value) => `${key} ${operator} ${value}`);
    }))].sort();
  };
  return { ...risk, grants: risk.grants.map((grant) => ({ ...grant, statements: [...grant.statements].sort(), when: alternatives(grant.when) })) };
}

describe('the shortcuts change no verdict', () => {
  it.each(CASES)('%s', async (_, text) => {
    const fast = await policyRisk(text, CONTEXT);
    const exhaustive = await policyRisk(text, CONTEXT, [], { exhaustive: true });
    expect(comparable(fast)).toEqual(comparable(exhaustive));
    expect(exhaustive.error).toBeUndefined();
  });

  it('the cases find something to compare: most of them grant outside access', async () => {
    const found = await Promise.all(CASES.map(async ([, text]) => (await policyRisk(text, CONTEXT, [], { exhaustive: true })).grants.length));
    expect(found.filter((count) => count > 0).length).toBeGreaterThanOrEqual(CASES.length - 2);
  });

  it('Deny statements per network merge too: the access is "from the allowed networks and from none of the denied ones"', async () => {
    const networks = Array.from({ length: 4 }, (_, i) => ip(`198.51.${i}.0/24`, `Net${i}`, 'ecr:*'));
    const deny = (cidr: string, sid: string) => ({ Sid: sid, Effect: 'Deny', Principal: '*', Action: PUSH, Condition: { IpAddress: { 'aws:SourceIp': cidr } } });
    const text = policy(...networks, deny('198.51.1.0/24', 'No1'), deny('198.51.2.0/24', 'No2'));
    const push = async (exhaustive: boolean) => (await policyRisk(text, CONTEXT, [], { exhaustive })).grants.find((grant) => grant.actions.includes('ecr:PutImage'));
    const allowed = 'aws:SourceIp IpAddress 198.51.0.0/24 or aws:SourceIp IpAddress 198.51.1.0/24 or aws:SourceIp IpAddress 198.51.2.0/24 or aws:SourceIp IpAddress 198.51.3.0/24';
    expect((await push(true))?.when).toBe(`((${allowed}) and aws:SourceIp NotIpAddress 198.51.1.0/24 and aws:SourceIp NotIpAddress 198.51.2.0/24)`);
    // The same condition: NotIpAddress with several values is a NOR.
    expect((await push(false))?.when).toBe('(aws:SourceIp IpAddress 198.51.0.0/24|198.51.1.0/24|198.51.2.0/24|198.51.3.0/24 and aws:SourceIp NotIpAddress 198.51.1.0/24|198.51.2.0/24)');
    expect((await push(false))?.statements.sort()).toEqual(['Net0', 'Net1', 'Net2', 'Net3']);
  });

  it('an organisation id only in a tag: one question, not one per organisation (the exhaustive run adds the same grant under its name)', async () => {
    const text = policy({ Sid: 'Tag', Effect: 'Allow', Principal: '*', Action: PULL, Condition: { StringEquals: { 'aws:PrincipalTag/org': 'o-zzzzzzzzzz' } } });
    const fast = await policyRisk(text, CONTEXT);
    const exhaustive = await policyRisk(text, CONTEXT, [], { exhaustive: true });
    expect(fast.grants.map((grant) => grant.principal)).toEqual(['any AWS principal']);
    const [only] = fast.grants;
    expect(exhaustive.grants.map(({ principal: _, ...rest }) => rest)).toEqual([only!, only!].map(({ principal: _, ...rest }) => rest));
  });

  it('fifty networks in fifty statements: one simulation reading one statement, every Sid named', async () => {
    const stats = { simulations: 0, statementsSimulated: 0 };
    const risk = await policyRisk(policy(...Array.from({ length: 50 }, (_, i) => ip(`198.51.${i}.0/24`, `Net${i}`))), CONTEXT, [], { stats });
    expect(stats).toEqual({ simulations: 1, statementsSimulated: 1 });
    expect(risk.grants).toHaveLength(1);
    expect(risk.grants[0]!.statements).toHaveLength(50);
    expect(risk.grants[0]!.when).toContain('198.51.49.0/24');
  });
});

describe('scoper: the statements that can apply to a principal of one account', () => {
  const statements = [
    { Sid: 'List', Effect: 'Allow', Principal: { AWS: [OUTSIDE, `arn:aws:iam::${OTHER}:role/ci`, `arn:aws:iam::${OUTSIDE}:user/u`] }, Action: PULL },
    { Sid: 'Other', Effect: 'Allow', Principal: { AWS: OTHER }, Action: PUSH },
    { Sid: 'Everyone', Effect: 'Allow', Principal: '*', Action: PULL },
    { Sid: 'Not', Effect: 'Deny', NotPrincipal: { AWS: OTHER }, Action: PUSH },
    { Sid: 'Service', Effect: 'Allow', Principal: { Service: 'codebuild.amazonaws.com' }, Action: PULL },
    { Sid: 'Mixed', Effect: 'Allow', Principal: { AWS: OUTSIDE, Service: 'codebuild.amazonaws.com' }, Action: PULL },
    { Sid: 'Unknown', Effect: 'Allow', Principal: { Aws: OTHER }, Action: PULL },
    { Sid: 'Wild', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::7777*:root' }, Action: PUSH },
    { Sid: 'Longer', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::9${OUTSIDE}:root` }, Action: PUSH },
  ];
  const scopeFor = scoper(statements);

  it('keeps the entries naming the account, and what it cannot rule out as written', () => {
    const scoped = scopeFor(OUTSIDE);
    expect(scoped.indices).toEqual([0, 2, 3, 5, 6, 7]);
    expect(scoped.statements).toEqual([
      { ...statements[0], Principal: { AWS: [OUTSIDE, `arn:aws:iam::${OUTSIDE}:user/u`] } },
      statements[2],
      statements[3],
      { ...statements[5], Principal: { AWS: OUTSIDE } },
      statements[6],
      statements[7],
    ]);
  });

  it('an account named nowhere sees only the statements for everyone and those it cannot rule out', () => {
    expect(scopeFor('000000000000').indices).toEqual([2, 3, 6, 7]);
  });

  it('without an account (a service principal), the whole policy', () => {
    expect(scopeFor(undefined).statements).toEqual(statements);
  });
});

describe('mergeConditionValues', () => {
  it('merges statements that differ only in one caller-chosen condition, keeping where each came from', () => {
    const merged = mergeConditionValues([ip('10.0.0.0/8', 'A'), { Sid: 'Other', Effect: 'Allow', Principal: '*', Action: PUSH }, ip('192.0.2.0/24', 'B'), ip(['198.51.100.0/24', '10.0.0.0/8'] as unknown as string, 'C')]);
    expect(merged.origins).toEqual([[0, 2, 3], [1]]);
    expect(merged.statements[0]).toEqual({ Effect: 'Allow', Principal: '*', Action: PULL, Condition: { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '192.0.2.0/24', '198.51.100.0/24'] } } });
  });

  it.each([
    ['a negated operator (NOR)', { NotIpAddress: { 'aws:SourceIp': 'X' } }],
    ['a set operator', { 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'X' } }],
    ['a key the probe fixes (who the caller is)', { StringEquals: { 'aws:PrincipalAccount': 'X' } }],
    ['a key the probe fixes, in another case', { StringEquals: { 'AWS:principalorgid': 'X' } }],
    ['a policy variable', { StringEquals: { 'aws:SourceVpce': '${aws:username}X' } }],
    ['a numeric operator', { NumericLessThan: { 'aws:MultiFactorAuthAge': 'X' } }],
  ])('leaves apart statements with %s', (_, condition) => {
    const statement = (value: string) => ({ Effect: 'Allow', Principal: '*', Action: PULL, Condition: JSON.parse(JSON.stringify(condition).replace('X', value)) as unknown });
    expect(mergeConditionValues([statement('1'), statement('2')]).origins).toEqual([[0], [1]]);
  });
});

describe('policyRisk reads the policy as parsed, not as written', () => {
  it('an organisation id written with JSON escapes is still asked about', async () => {
    const text = policy({ Sid: 'OtherOrg', Effect: 'Allow', Principal: '*', Action: 'ecr:*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-zzzzzzzzzz' } } }).replace('o-zzzzzzzzzz', '\\u006f-zzzzzzzzzz').replace('aws:PrincipalOrgID', 'aws:Principal\\u004frgID');
    const risk = await policyRisk(text, CONTEXT);
    expect(risk.grants.map((grant) => [grant.kind, grant.principal])).toContainEqual(['public', 'any AWS principal in organisation o-zzzzzzzzzz']);
  });

  it('a policy the validator rejects names the element', async () => {
    const risk = await policyRisk(policy({ Sid: 'Bad', Effect: 'Permit', Principal: '*', Action: 'ecr:*' }), CONTEXT);
    expect(risk).toMatchObject({ severity: 'HIGH', grants: [] });
    expect(risk.error).toMatch(/rejects the policy: Statement.*Effect/);
  });
});
