/**
 * RestrictEcrRepositoryPolicy's verification agrees with the ecr-repository-access rule.
 *
 * The rule decides by IAM simulation (policyRisk); the runbook's scripts cannot run it, so its
 * last step re-applies its own fix to the policy it wrote (restriction.py `restrict`) and
 * succeeds only when nothing is left to change. That is the rule's verification only if, for
 * every policy, "nothing left to change" means "the rule finds nothing". Checked here on
 * policies generated from the shapes AWS documents for repository policies (principals,
 * NotPrincipal, Action/NotAction wildcards, organisation and account conditions, service
 * principals with source conditions, Deny statements), in both modes:
 * - the policy the runbook writes, if its verification passes, is COMPLIANT for the rule;
 * - a policy the runbook would leave untouched is COMPLIANT for the rule (otherwise the
 *   finding's runbook would succeed without fixing it).
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
 */
import { describe, expect, it } from 'vitest';
import { describeGrant, policyRisk } from '../../rules/ecr-repository-access/policy-risk.js';
import { CONTEXT, EVENTS, ORG, OURS, OUTSIDE, runbook, TRUSTED, VENDOR } from './restrict-policy-harness.js';


const PULL = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'];
const PUSH = ['ecr:PutImage', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload'];
const PRINCIPALS: Array<Record<string, unknown>> = [
  { Principal: '*' },
  { Principal: { AWS: '*' } },
  { Principal: { AWS: OUTSIDE } },
  { Principal: { AWS: `arn:aws:iam::${OUTSIDE}:root` } },
  { Principal: { AWS: `arn:aws:iam::${OUTSIDE}:role/ci` } },
  { Principal: { AWS: `arn:aws:iam::${OURS}:role/ci` } },
  { Principal: { AWS: TRUSTED } },
  { Principal: { AWS: VENDOR } },
  { Principal: { AWS: [`arn:aws:iam::${OURS}:root`, OUTSIDE] } },
  { Principal: { AWS: [VENDOR, OUTSIDE] } },
  { Principal: { Service: 'codebuild.amazonaws.com' } },
  { Principal: { Service: 'lambda.amazonaws.com' } },
  { Principal: { Service: 'CodeBuild.amazonaws.com' } },
  { Principal: { AWS: `arn:aws:sts::${OUTSIDE}:assumed-role/ci/session` } },
  { Principal: { AWS: [`arn:aws:iam::${TRUSTED}:role/deploy`, VENDOR] } },
  { NotPrincipal: { AWS: `arn:aws:iam::${OURS}:root` } },
  // Shapes a regex over the entry, a split or a service-only check gets wrong.
  { Principal: { AWS: `arn:aws:iam::${OURS}:role/ci-${OUTSIDE}` } },
  { Principal: { AWS: [`arn:aws:iam::${OURS}:root`, OUTSIDE, '*'] } },
  { Principal: { AWS: OUTSIDE, Service: 'codebuild.amazonaws.com' } },
  { Principal: { AWS: `arn:aws:sts::${OUTSIDE}:federated-user/bob` } },
  { Principal: { AWS: [TRUSTED, VENDOR, `arn:aws:iam::${OUTSIDE}:user/bob`] } },
];
const ACTIONS: Array<Record<string, unknown>> = [
  { Action: PULL },
  { Action: PUSH },
  { Action: [...PULL, ...PUSH] },
  { Action: 'ecr:*' },
  { Action: '*' },
  { Action: 'ecr:Get*' },
  { Action: 'ecr:BatchGetImage' },
  { Action: 'ecr:DeleteRepository' },
  { NotAction: 'ecr:PutImage' },
  { NotAction: ['ecr:*'] },
];
const CONDITIONS: Array<Record<string, unknown> | undefined> = [
  undefined,
  undefined,
  { StringEquals: { 'aws:PrincipalOrgID': ORG } },
  { StringEquals: { 'aws:PrincipalOrgID': 'o-zzzzzzzzzz' } },
  { StringLike: { 'aws:PrincipalOrgID': 'o-a1b2*' } },
  { StringEqualsIfExists: { 'aws:PrincipalOrgID': ORG } },
  { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': [`${ORG}/r-ab12/*`] } },
  { StringEquals: { 'aws:PrincipalAccount': [OURS, TRUSTED] } },
  { StringEquals: { 'aws:PrincipalAccount': [OURS, OUTSIDE] } },
  { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/ci' } },
  { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${OURS}:role/*` } },
  { StringEquals: { 'aws:SourceAccount': OURS } },
  { StringEquals: { 'aws:SourceAccount': OUTSIDE } },
  { StringEqualsIfExists: { 'aws:SourceAccount': OURS } },
  { ArnLike: { 'aws:SourceArn': `arn:aws:codebuild:*:${OURS}:project/*` } },
  { StringEquals: { 'aws:SourceOrgID': ORG } },
  { IpAddress: { 'aws:SourceIp': '198.51.100.0/24' } },
  { Bool: { 'aws:SecureTransport': 'true' } },
  { StringNotEquals: { 'aws:PrincipalOrgID': ORG } },
  { StringLike: { 'aws:PrincipalAccount': '1111*' } },
  { StringLike: { 'aws:PrincipalOrgPaths': `${ORG}/*` } },
  { 'ForAllValues:StringEquals': { 'aws:PrincipalOrgID': ORG } },
  { StringEquals: { 'aws:principalorgid': ORG } },
  { StringEqualsIgnoreCase: { 'aws:PrincipalOrgID': ORG } },
  { ArnLike: { 'aws:SourceArn': 'arn:aws:codebuild:*:*:project/*' } },
  { StringEquals: { 'aws:PrincipalOrgID': ORG }, IpAddress: { 'aws:SourceIp': '198.51.100.0/24' } },
  { StringEquals: { 'aws:PrincipalOrgID': [ORG, 'o-zzzzzzzzzz'] } },
  { StringEquals: { 'aws:SourceAccount': OURS, 'aws:SourceArn': `arn:aws:codebuild:eu-west-3:${OURS}:project/app` } },
  { StringLike: { 'aws:userid': '*' } },
  { Null: { 'aws:PrincipalOrgID': 'false' } },
  { StringEquals: { 'aws:ResourceOrgID': '${aws:PrincipalTag/org}' } },
  { StringNotEquals: { 'aws:PrincipalOrgID': '${aws:PrincipalTag/org}' } },
  // Identity keys any account can meet (it names its roles, users and sessions), org paths, tags.
  { StringEquals: { 'aws:PrincipalType': 'AssumedRole' } },
  { StringLike: { 'aws:username': 'deploy*' } },
  { StringLike: { 'aws:userid': 'AROA*:ci' } },
  { ArnLike: { 'aws:PrincipalArn': `arn:aws:sts::${OUTSIDE}:assumed-role/ci/*` } },
  { 'ForAnyValue:StringLike': { 'aws:SourceOrgPaths': `${ORG}/*` } },
  { 'ForAllValues:StringLike': { 'aws:PrincipalOrgPaths': `${ORG}/*` } },
  { StringEquals: { 'aws:SourceAccount': [OURS, TRUSTED] } },
  { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${OURS}:role/\${aws:PrincipalTag/team}` } },
  { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2${aws:PrincipalTag/org}' } },
];

/** A deterministic generator (mulberry32), so a failure names a policy that stays the same. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function policies(count: number): string[] {
  const next = random(20261129);
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  return Array.from({ length: count }, (_, p) => {
    const statements = Array.from({ length: 1 + Math.floor(next() * 3) }, (_, s) => {
      const condition = pick(CONDITIONS);
      return { Sid: `P${p}S${s}`, Effect: next() < 0.85 ? 'Allow' : 'Deny', ...pick(PRINCIPALS), ...pick(ACTIONS), ...(condition ? { Condition: condition } : {}) };
    });
    // A policy may hold one statement object instead of a list.
    return JSON.stringify({ Version: '2012-10-17', Statement: statements.length === 1 && next() < 0.5 ? statements[0] : statements });
  });
}

const POLICIES = policies(600);
let reachingOutside: Promise<boolean[]> | undefined;
/** Whether each policy reaches outside before the runbook (computed once for both modes). */
const reachOutside = () => (reachingOutside ??= Promise.all(POLICIES.map(async (text) => (await policyRisk(text, CONTEXT)).grants.length > 0)));

describe.each(['confine', 'remove'] as const)('RestrictEcrRepositoryPolicy (Mode %s) and the rule agree', (mode) => {
  const fixed = runbook(POLICIES, { ...EVENTS, Mode: mode });

  it('a policy written and verified is COMPLIANT for the rule, and one left untouched was already', async () => {
    const disagreements: string[] = [];
    for (const [index, result] of fixed.entries()) {
      if (result.remaining.length) continue; // VerifyRestriction fails the run: no claim made
      const judged = result.changes.length ? result.after : POLICIES[index]!;
      const risk = await policyRisk(judged, CONTEXT);
      if (risk.grants.length || risk.error) {
        disagreements.push(`${result.changes.length ? 'written' : 'untouched'} ${judged}\n  rule: ${risk.error ?? risk.grants.map(describeGrant).join('; ')}`);
      }
    }
    expect(disagreements).toEqual([]);
  });

  it('the generated policies exercise both sides: many reach outside before, most are fixed', async () => {
    const before = await reachOutside();
    expect(before.filter(Boolean).length).toBeGreaterThan(POLICIES.length / 3);
    expect(fixed.filter((result) => result.changes.length > 0 && result.remaining.length === 0).length).toBeGreaterThan(POLICIES.length / 3);
  });
});

// Outside any organisation (OrganizationId empty): statements are confined to this account and
// TrustedAccounts, and an organisation condition confines nobody of ours.
describe.each(['confine', 'remove'] as const)('RestrictEcrRepositoryPolicy (Mode %s, no organisation) and the rule agree', (mode) => {
  const some = POLICIES.slice(0, 200);
  const fixed = runbook(some, { ...EVENTS, OrganizationId: '', Mode: mode });
  const { organizationId: _, ...noOrganization } = CONTEXT;

  it('a policy written and verified is COMPLIANT for the rule, and one left untouched was already', async () => {
    const disagreements: string[] = [];
    for (const [index, result] of fixed.entries()) {
      if (result.remaining.length) continue;
      const judged = result.changes.length ? result.after : some[index]!;
      const risk = await policyRisk(judged, noOrganization);
      if (risk.grants.length || risk.error) disagreements.push(`${result.changes.length ? 'written' : 'untouched'} ${judged}\n  rule: ${risk.error ?? risk.grants.map(describeGrant).join('; ')}`);
    }
    expect(disagreements).toEqual([]);
  });
});
