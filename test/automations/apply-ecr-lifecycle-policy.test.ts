import {
  DescribeImagesCommand,
  ECRClient,
  GetLifecyclePolicyCommand,
  GetLifecyclePolicyPreviewCommand,
  LifecyclePolicyNotFoundException,
  PutLifecyclePolicyCommand,
  StartLifecyclePolicyPreviewCommand,
} from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { StaleImagesParams } from '../../rules/ecr-stale-images/facts.js';
import { analyseLifecyclePolicy } from '../../rules/ecr-stale-images/lifecycle-policy.js';
import { rule } from '../../rules/ecr-stale-images/rule.js';
import { defaultRuleParameters } from '../../rules/kernel/parameters.js';
import { callsTo, mutatingCalls, runAutomation } from '../support/ssm/interpreter.js';
import { ACCOUNT, ROLE_ARN } from './ecr-fixtures.js';

const ecr = mockClient(ECRClient);
const RUNBOOK = 'ApplyEcrLifecyclePolicy';
const NAME = 'team-a/payments-api';
const PARAMS = defaultRuleParameters<StaleImagesParams>(rule.id, rule.parameters);

/** The repository's lifecycle policy, as ECR keeps it between calls. */
let stored: string | undefined;

function givenPolicy(policy: unknown): void {
  stored = policy === undefined ? undefined : typeof policy === 'string' ? policy : JSON.stringify(policy);
}

beforeEach(() => {
  ecr.reset();
  stored = undefined;
  // The final verification also looks at the images (the rule's semantics): none by default.
  ecr.on(DescribeImagesCommand).resolves({ imageDetails: [] });
  ecr.on(GetLifecyclePolicyCommand).callsFake(() => {
    if (stored === undefined) throw new LifecyclePolicyNotFoundException({ message: 'Lifecycle policy does not exist for the repository', $metadata: {} });
    return { registryId: ACCOUNT, repositoryName: NAME, lifecyclePolicyText: stored, lastEvaluatedAt: new Date('2026-11-19T00:00:00Z') };
  });
  ecr.on(PutLifecyclePolicyCommand).callsFake((input: { lifecyclePolicyText: string }) => {
    stored = input.lifecyclePolicyText;
    return { registryId: ACCOUNT, repositoryName: NAME, lifecyclePolicyText: stored };
  });
  ecr.on(StartLifecyclePolicyPreviewCommand).callsFake((input: { lifecyclePolicyText: string }) => ({
    registryId: ACCOUNT,
    repositoryName: NAME,
    lifecyclePolicyText: input.lifecyclePolicyText,
    status: 'IN_PROGRESS',
  }));
  ecr
    .on(GetLifecyclePolicyPreviewCommand)
    .resolvesOnce({ status: 'IN_PROGRESS' })
    .resolves({
      registryId: ACCOUNT,
      repositoryName: NAME,
      status: 'COMPLETE',
      previewResults: [
        { imageDigest: `sha256:${'1'.repeat(64)}`, imageTags: ['v0.9'], imagePushedAt: new Date('2025-01-02T10:00:00Z'), action: { type: 'EXPIRE' }, appliedRulePriority: 2, storageClass: 'STANDARD' },
        { imageDigest: `sha256:${'2'.repeat(64)}`, imagePushedAt: new Date('2026-10-02T10:00:00Z'), action: { type: 'EXPIRE' }, appliedRulePriority: 1, storageClass: 'STANDARD' },
      ],
      summary: { expiringImageTotalCount: 2 },
    });
});

const run = (parameters: Record<string, string | string[]> = {}) =>
  runAutomation(RUNBOOK, { parameters: { RepositoryName: NAME, AutomationAssumeRole: ROLE_ARN, ...parameters } });
const putPolicies = () => ecr.commandCalls(PutLifecyclePolicyCommand).map((call) => JSON.parse(call.args[0].input.lifecyclePolicyText!) as { rules: unknown[] });

const UNTAGGED_1D = { rulePriority: 1, description: 'ecr-guardrails: expire untagged images after 1 days', selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 }, action: { type: 'expire' } };

describe('ApplyEcrLifecyclePolicy', () => {
  it('gives a repository without a policy an untagged rule and an age rule, previews, applies and verifies', async () => {
    const result = await run();

    expect(result.failureMessage).toBeUndefined();
    expect(result.status).toBe('Success');
    expect(result.executedSteps).toEqual(['PlanLifecyclePolicy', 'CheckChanged', 'StartPreview', 'WaitForPreview', 'ReportPreview', 'CheckPolicyUnchanged', 'PutLifecyclePolicy', 'VerifyLifecyclePolicy']);
    expect(putPolicies()).toEqual([
      {
        rules: [
          UNTAGGED_1D,
          { rulePriority: 2, description: 'ecr-guardrails: expire images not pulled for 90 days', selection: { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 90 }, action: { type: 'expire' } },
        ],
      },
    ]);
    // The preview was of the merged text, and was reported.
    expect(ecr.commandCalls(StartLifecyclePolicyPreviewCommand)[0]!.args[0].input.lifecyclePolicyText).toBe(stored);
    expect(result.outputs['ReportPreview.ExpiringImages']).toBe(2);
    expect(result.outputs['ReportPreview.Sample']).toEqual(['v0.9 pushed 2025-01-02: expire by rule 2', 'sha256:222222222222 pushed 2026-10-02: expire by rule 1']);
    expect(result.outputs['PlanLifecyclePolicy.AddedRules']).toEqual(['priority 1: expire untagged images after 1 days', 'priority 2: expire images not pulled for 90 days']);
    expect(mutatingCalls(result).map((c) => c.action)).toEqual(['ecr:StartLifecyclePolicyPreview', 'ecr:PutLifecyclePolicy']);
    // What the runbook applies is what the rule accepts.
    expect(analyseLifecyclePolicy(stored!, PARAMS)).toMatchObject({ untaggedCovered: true, agedCovered: true });
  });

  it('merges into an existing policy: every existing rule is kept verbatim, new rules take free priorities', async () => {
    const existing = {
      rules: [
        { rulePriority: 1, description: 'keep the last 20 releases', selection: { tagStatus: 'tagged', tagPrefixList: ['release'], countType: 'imageCountMoreThan', countNumber: 20 }, action: { type: 'expire' } },
        { rulePriority: 3, description: 'archive old dev images', selection: { tagStatus: 'tagged', tagPatternList: ['dev-*'], countType: 'sinceImagePushed', countUnit: 'days', countNumber: 30 }, action: { type: 'transition', targetStorageClass: 'archive' } },
        { rulePriority: 10, description: 'cap the repository', selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 500 }, action: { type: 'expire' } },
      ],
    };
    givenPolicy(existing);

    // The cap keeps 500 images, untagged ones included: it covers them when 500 are allowed.
    const result = await run({ AgeRule: 'sinceImagePushed', MaxImageAgeDays: '60', MaxUntaggedImages: '500', Preview: 'false' });

    expect(result.failureMessage).toBeUndefined();
    expect(result.status).toBe('Success');
    expect(callsTo(result, 'StartLifecyclePolicyPreview')).toEqual([]);
    const [merged] = putPolicies();
    for (const kept of existing.rules) expect(merged!.rules).toContainEqual(kept);
    expect(merged!.rules).toHaveLength(4);
    // Untagged images are taken by the existing cap (by count): only the age rule is missing,
    // and it must sit after the tag rules 1 and 3 and before the tagStatus any rule 10.
    expect(merged!.rules[3]).toEqual({
      rulePriority: 4,
      description: 'ecr-guardrails: expire images pushed over 60 days ago',
      selection: { tagStatus: 'tagged', tagPatternList: ['*'], countType: 'sinceImagePushed', countUnit: 'days', countNumber: 60 },
      action: { type: 'expire' },
    });
    expect(result.outputs['PlanLifecyclePolicy.Notes']).toEqual([
      'rule 1 keeps images tagged release* regardless of age; fine only for tags that must never expire',
      'rule 10 (tagStatus any) now applies to untagged images only: tagged images expire by the added age rule first',
    ]);
  });

  it('changes nothing when the policy already covers untagged and aged images (idempotent, also on its own result)', async () => {
    await run();
    const after = stored;
    ecr.resetHistory();

    const again = await run();

    expect(again.status).toBe('Success');
    expect(again.executedSteps).toEqual(['PlanLifecyclePolicy', 'CheckChanged', 'VerifyLifecyclePolicy']);
    expect(mutatingCalls(again)).toEqual([]);
    expect(ecr).not.toHaveReceivedCommand(PutLifecyclePolicyCommand);
    expect(stored).toBe(after);
    expect(again.outputs['PlanLifecyclePolicy.Changed']).toBe(false);
  });

  it('adds what it can and then fails naming an existing rule that blocks the fix', async () => {
    const userRule = { rulePriority: 5, selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 400 }, action: { type: 'expire' } };
    givenPolicy({ rules: [userRule] });

    const result = await run({ Preview: 'false' });

    expect(result.status).toBe('Failed');
    expect(result.failureMessage).toBe(
      'VerifyLifecyclePolicy: script failed: ValueError: Not fixed: rule 5 selects untagged images but does not expire them beyond 0 by count or within 90 days; ECR allows one untagged rule, so its owners must change it',
    );
    const [merged] = putPolicies();
    expect(merged!.rules[0]).toEqual(userRule);
    expect(merged!.rules).toHaveLength(2);
  });

  it('stops before applying when the preview would expire one of the KeepLastImages most recent images', async () => {
    ecr.on(DescribeImagesCommand).resolves({
      imageDetails: [
        { imageDigest: `sha256:${'3'.repeat(64)}`, imageTags: ['v2.0'], imagePushedAt: new Date('2026-11-19T10:00:00Z') },
        { imageDigest: `sha256:${'2'.repeat(64)}`, imagePushedAt: new Date('2026-10-02T10:00:00Z') },
        { imageDigest: `sha256:${'1'.repeat(64)}`, imageTags: ['v0.9'], imagePushedAt: new Date('2025-01-02T10:00:00Z') },
      ],
    });

    const result = await run({ KeepLastImages: '2' });

    expect(result.status).toBe('Failed');
    expect(result.failureMessage).toBe('ReportPreview: script failed: ValueError: The merged policy would expire 1 of the 2 most recent images (sha256:222222222222); nothing was applied.');
    expect(ecr).not.toHaveReceivedCommand(PutLifecyclePolicyCommand);
  });

  it("applies nothing when the policy changed after it was read (a user's edit during the preview is not lost)", async () => {
    givenPolicy({ rules: [UNTAGGED_1D] });
    const edited = JSON.stringify({ rules: [UNTAGGED_1D, { rulePriority: 5, description: 'added by the owners meanwhile', selection: { tagStatus: 'tagged', tagPatternList: ['hotfix-*'], countType: 'imageCountMoreThan', countNumber: 3 }, action: { type: 'expire' } }] });
    ecr.on(GetLifecyclePolicyPreviewCommand).callsFake(() => {
      stored = edited;
      return { registryId: ACCOUNT, repositoryName: NAME, status: 'COMPLETE', previewResults: [] };
    });

    const result = await run();

    expect(result.status).toBe('Failed');
    expect(result.failureMessage).toBe(`CheckPolicyUnchanged: script failed: ValueError: The lifecycle policy of ${NAME} changed after it was read; nothing was applied. Run again to merge into the new policy.`);
    expect(ecr).not.toHaveReceivedCommand(PutLifecyclePolicyCommand);
    expect(stored).toBe(edited);

    // Without a preview the check runs too (and passes when nobody changed the policy).
    givenPolicy({ rules: [UNTAGGED_1D] });
    const direct = await run({ Preview: 'false' });
    expect(direct.failureMessage).toBeUndefined();
    expect(direct.executedSteps).toEqual(['PlanLifecyclePolicy', 'CheckChanged', 'CheckPolicyUnchanged', 'PutLifecyclePolicy', 'VerifyLifecyclePolicy']);
    expect(JSON.parse(stored!).rules[0]).toEqual(UNTAGGED_1D);
  });

  it('leaves an unreadable policy alone and fails', async () => {
    givenPolicy('{"rules": [');
    const result = await run();
    expect(result.status).toBe('Failed');
    expect(result.failureMessage).toContain('is not a JSON object with rules; it was left unchanged');
    expect(mutatingCalls(result)).toEqual([]);
  });

  it('accepts what the rule passes as remediation parameters', async () => {
    const passed = rule.remediations[0].parameters!(PARAMS);
    expect(passed).toEqual({ MaxImageAgeDays: '90', MaxIdleDays: '90', UntaggedExpireDays: '1', MaxUntaggedImages: '0' });
    const result = await run(passed);
    expect(result.status).toBe('Success');
  });

  it('applies what the rule accepts when MaxIdleDays differs from MaxImageAgeDays', async () => {
    const params = { ...PARAMS, MaxImageAgeDays: 90, MaxIdleDays: 30 };
    const passed = rule.remediations[0].parameters!(params);

    const fresh = await run({ ...passed, Preview: 'false' });

    expect(fresh.failureMessage).toBeUndefined();
    expect(putPolicies()[0]!.rules[1]).toEqual({
      rulePriority: 2,
      description: 'ecr-guardrails: expire images not pulled for 30 days',
      selection: { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 30 },
      action: { type: 'expire' },
    });
    expect(analyseLifecyclePolicy(stored!, params)).toMatchObject({ untaggedCovered: true, agedCovered: true });

    // An existing pull-age rule longer than MaxIdleDays does not cover age: the runbook adds one.
    ecr.resetHistory();
    const existing = { rules: [UNTAGGED_1D, { rulePriority: 10, selection: { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 60 }, action: { type: 'expire' } }] };
    givenPolicy(existing);
    expect(analyseLifecyclePolicy(stored!, params)).toMatchObject({ agedCovered: false });

    const merged = await run({ ...passed, Preview: 'false' });

    expect(merged.failureMessage).toBeUndefined();
    expect(merged.outputs['PlanLifecyclePolicy.Changed']).toBe(true);
    const [applied] = putPolicies();
    for (const kept of existing.rules) expect(applied!.rules).toContainEqual(kept);
    expect(analyseLifecyclePolicy(stored!, params)).toMatchObject({ untaggedCovered: true, agedCovered: true });
  });

  // ECR: images matched by a rule's selection are never expired by a lower-priority rule, and a
  // count rule keeps countNumber images:
  // https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html#lifecycle_policy_evaluation
  it('does not accept an untagged count rule keeping more than MaxUntaggedImages (fails naming it: ECR allows one untagged rule)', async () => {
    const userRule = { rulePriority: 1, selection: { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 10000 }, action: { type: 'expire' } };
    givenPolicy({ rules: [userRule] });
    const result = await run({ Preview: 'false', MaxUntaggedImages: '5' });
    expect(result.status).toBe('Failed');
    expect(result.failureMessage).toBe(
      'VerifyLifecyclePolicy: script failed: ValueError: Not fixed: rule 1 selects untagged images but does not expire them beyond 5 by count or within 90 days; ECR allows one untagged rule, so its owners must change it',
    );
    // Within the allowance it covers untagged images: only the age rule is added.
    givenPolicy({ rules: [{ ...userRule, selection: { ...userRule.selection, countNumber: 5 } }] });
    const within = await run({ Preview: 'false', MaxUntaggedImages: '5' });
    expect(within.failureMessage).toBeUndefined();
    expect(analyseLifecyclePolicy(stored!, { ...PARAMS, MaxUntaggedImages: 5 })).toMatchObject({ untaggedCovered: true, agedCovered: true });
  });

  it('fails naming the stale images that remain until ECR applies the policy (Success means the rule agrees)', async () => {
    const old = new Date(Date.now() - 200 * 86_400_000);
    ecr.on(DescribeImagesCommand).resolves({
      imageDetails: [
        { imageDigest: `sha256:${'4'.repeat(64)}`, imageTags: ['v0.1'], imagePushedAt: old, imageStatus: 'ACTIVE' },
        { imageDigest: `sha256:${'5'.repeat(64)}`, imageTags: ['release-1'], imagePushedAt: old, imageStatus: 'ACTIVE' },
      ],
    });
    const result = await run({ Preview: 'false', ProtectedTagPatterns: 'release-*' });
    expect(result.status).toBe('Failed');
    expect(result.failureMessage).toBe(
      `VerifyLifecyclePolicy: script failed: ValueError: Not fixed yet: the lifecycle policy of ${NAME} now covers untagged and aged images, but ecr-stale-images still finds 1 stale image(s): v0.1 until ECR applies the policy (within 24 hours) or DeleteStaleEcrImages removes them`,
    );
    expect(putPolicies()).toHaveLength(1);
  });
});
