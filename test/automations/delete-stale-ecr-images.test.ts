import {
  BatchDeleteImageCommand,
  BatchGetImageCommand,
  DescribeImagesCommand,
  ECRClient,
  UpdateImageStorageClassCommand,
  type DescribeImagesCommandInput,
  type ImageDetail,
  type ImageFailure,
} from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadRunbooks } from '../../automations/catalog.js';
import { rule } from '../../rules/ecr-stale-images/rule.js';
import type { StaleImagesParams } from '../../rules/ecr-stale-images/facts.js';
import { defaultRuleParameters } from '../../rules/kernel/parameters.js';
import { callsTo, InvalidParameterError, mutatingCalls, runAutomation } from '../support/ssm/interpreter.js';
import { ACCOUNT, ROLE_ARN } from './ecr-fixtures.js';

const ecr = mockClient(ECRClient);
const RUNBOOK = 'DeleteStaleEcrImages';
const NAME = 'team-a/payments-api';
const APPROVER = `arn:aws:iam::${ACCOUNT}:role/PlatformOwners`;
// The scripts use the real clock (python's datetime.now), so the fixtures do too.
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);

let counter = 0;
function img(fields: { tags?: string[]; pushed: number; pulled?: number; status?: string; referrer?: boolean; size?: number }): ImageDetail {
  counter++;
  return {
    registryId: ACCOUNT,
    repositoryName: NAME,
    imageDigest: `sha256:${counter.toString(16).padStart(64, 'c')}`,
    ...(fields.tags ? { imageTags: fields.tags } : {}),
    imageSizeInBytes: fields.size ?? 80_000_000,
    imagePushedAt: ago(fields.pushed),
    ...(fields.pulled !== undefined ? { lastRecordedPullTime: ago(fields.pulled) } : {}),
    imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
    imageStatus: (fields.status ?? 'ACTIVE') as 'ACTIVE',
    ...(fields.referrer ? { subjectManifestDigest: `sha256:${'f'.repeat(64)}`, artifactMediaType: 'application/vnd.dev.cosign.artifact.sig.v1+json' } : {}),
  };
}

/** The repository's images as ECR keeps them between calls. */
let images: ImageDetail[] = [];
let describeCalls = 0;
let beforeDescribe: (call: number) => void = () => undefined;
let deleteFailures: (digests: string[]) => ImageFailure[] = () => [];
/** Index manifests by digest (BatchGetImage). */
let manifests: Record<string, string> = {};

function standardRepository() {
  const recent = Array.from({ length: 12 }, (_, i) => img({ tags: [`build-${100 - i}`], pushed: i + 1 }));
  const named = {
    stale: img({ tags: ['v0.1'], pushed: 200, size: 1_000_000_000 }),
    oldButPulled: img({ tags: ['v0.5'], pushed: 300, pulled: 5 }),
    protectedOne: img({ tags: ['release-1.0'], pushed: 400 }),
    protectedMultiTag: img({ tags: ['sha-abc123', 'release-0.9'], pushed: 500 }),
    oldUntagged: img({ pushed: 30, size: 20_000_000 }),
    freshUntagged: img({ pushed: 0.5 }),
    archived: img({ tags: ['v0.0'], pushed: 900, status: 'ARCHIVED' }),
    signature: img({ pushed: 300, referrer: true }),
  };
  images = [...recent, ...Object.values(named)];
  return { recent, ...named };
}

beforeEach(() => {
  ecr.reset();
  images = [];
  describeCalls = 0;
  beforeDescribe = () => undefined;
  deleteFailures = () => [];
  manifests = {};
  ecr.on(BatchGetImageCommand).callsFake((input: { imageIds: Array<{ imageDigest: string }> }) => ({
    images: input.imageIds.map((id) => ({ imageId: id, imageManifest: manifests[id.imageDigest] ?? '{}' })),
    failures: [],
  }));
  ecr.on(DescribeImagesCommand).callsFake((input: DescribeImagesCommandInput) => {
    if (!input.nextToken) beforeDescribe(++describeCalls);
    // Without a filter DescribeImages returns ACTIVE images only, 100 per page by default.
    const active = images.filter((image) => image.imageStatus === (input.filter?.imageStatus ?? 'ACTIVE'));
    const start = Number(input.nextToken ?? 0);
    const size = input.maxResults ?? 100;
    const page = active.slice(start, start + size);
    return { imageDetails: page, ...(start + size < active.length ? { nextToken: String(start + size) } : {}) };
  });
  ecr.on(BatchDeleteImageCommand).callsFake((input: { imageIds: Array<{ imageDigest: string }> }) => {
    const digests = input.imageIds.map((id) => id.imageDigest);
    const failures = deleteFailures(digests);
    const failed = new Set(failures.map((f) => f.imageId?.imageDigest));
    const deleted = images.filter((image) => digests.includes(image.imageDigest!) && !failed.has(image.imageDigest));
    images = images.filter((image) => !deleted.includes(image));
    return { imageIds: deleted.flatMap((image) => (image.imageTags?.length ? image.imageTags.map((imageTag) => ({ imageDigest: image.imageDigest, imageTag })) : [{ imageDigest: image.imageDigest }])), failures };
  });
  ecr.on(UpdateImageStorageClassCommand).callsFake((input: { imageId: { imageDigest: string }; targetStorageClass: string }) => {
    const image = images.find((candidate) => candidate.imageDigest === input.imageId.imageDigest)!;
    image.imageStatus = 'ARCHIVED';
    return { registryId: ACCOUNT, repositoryName: NAME, imageId: input.imageId, imageStatus: 'ARCHIVED' };
  });
});

const run = (parameters: Record<string, string | string[]> = {}, approvals: Record<string, 'Approved' | 'Rejected' | 'Cancelled'> = {}) =>
  runAutomation(RUNBOOK, { parameters: { RepositoryName: NAME, AutomationAssumeRole: ROLE_ARN, ProtectedTagPatterns: 'release-*', ...parameters }, approvals });
const deletedDigests = () => ecr.commandCalls(BatchDeleteImageCommand).flatMap((call) => call.args[0].input.imageIds!.map((id) => id.imageDigest));

describe('DeleteStaleEcrImages', () => {
  it('dry run (the default) lists what it would delete and deletes nothing', async () => {
    const { stale, oldUntagged } = standardRepository();

    const result = await run();

    expect(result.failureMessage).toBeUndefined();
    expect(result.status).toBe('Success');
    expect(result.executedSteps).toEqual(['ListCandidates', 'ChoosePath', 'DryRunComplete']);
    expect(result.outputs['ListCandidates.Count']).toBe(2);
    expect(result.outputs['ListCandidates.TotalSize']).toBe('1.0 GB');
    expect(result.outputs['ListCandidates.Protected']).toBe(2);
    expect(result.outputs['ListCandidates.KeptRecent']).toBe(10);
    expect(result.outputs['ListCandidates.Sample']).toEqual([
      `v0.1 pushed ${stale.imagePushedAt!.toISOString().slice(0, 10)}, never pulled, 1.0 GB`,
      `${oldUntagged.imageDigest!.slice(0, 19)} pushed ${oldUntagged.imagePushedAt!.toISOString().slice(0, 10)}, never pulled, 20.0 MB`,
    ]);
    expect(mutatingCalls(result)).toEqual([]);
    expect(images).toHaveLength(20);
  });

  it('deletes only after approval, exactly the listed images, and verifies none remains', async () => {
    const { stale, oldUntagged, recent, protectedOne, protectedMultiTag, oldButPulled, freshUntagged, archived, signature } = standardRepository();

    const result = await run({ DryRun: 'false', Approvers: [APPROVER] }, { ApproveRemoval: 'Approved' });

    expect(result.failureMessage).toBeUndefined();
    expect(result.status).toBe('Success');
    expect(result.executedSteps).toEqual(['ListCandidates', 'ChoosePath', 'ApproveRemoval', 'RemoveImages', 'VerifyRemoval']);
    expect(result.steps.find((s) => s.name === 'ApproveRemoval')!.inputs).toMatchObject({ Approvers: [APPROVER], MinRequiredApprovals: 1 });
    expect(String(result.steps.find((s) => s.name === 'ApproveRemoval')!.inputs.Message)).toContain(`Approve to delete 2 images (1.0 GB) in ECR repository ${NAME}`);
    expect(deletedDigests().sort()).toEqual([stale.imageDigest, oldUntagged.imageDigest].sort());
    expect(result.outputs['RemoveImages.Removed']).toBe(2);
    expect(result.outputs['RemoveImages.Failures']).toEqual([]);
    // Survivors: the most recent, protected, still pulled, fresh untagged, archived, referrers.
    expect(images.map((i) => i.imageDigest).sort()).toEqual(
      [...recent, protectedOne, protectedMultiTag, oldButPulled, freshUntagged, archived, signature].map((i) => i.imageDigest).sort(),
    );
  });

  it('deletes nothing when the approval is rejected', async () => {
    standardRepository();
    const result = await run({ DryRun: 'false', Approvers: [APPROVER] }, { ApproveRemoval: 'Rejected' });
    expect(result.status).toBe('Failed');
    expect(result.executedSteps).toEqual(['ListCandidates', 'ChoosePath', 'ApproveRemoval']);
    expect(mutatingCalls(result)).toEqual([]);
    expect(images).toHaveLength(20);
  });

  it('deletes in batches of at most 100 and never the most recent or protected images', async () => {
    const stale = Array.from({ length: 250 }, (_, i) => img({ tags: [`old-${i}`], pushed: 100 + i }));
    const older = Array.from({ length: 3 }, (_, i) => img({ tags: [`older-${i}`], pushed: 400 + i }));
    const protectedImages = Array.from({ length: 5 }, (_, i) => img({ tags: [`release-${i}`], pushed: 700 + i }));
    images = [...older, ...stale, ...protectedImages];

    const result = await run({ DryRun: 'false', Approvers: [APPROVER], KeepLastImages: '0' }, { ApproveRemoval: 'Approved' });
    expect(result.failureMessage).toBeUndefined();
    expect(result.outputs['ListCandidates.Count']).toBe(253);

    const batches = ecr.commandCalls(BatchDeleteImageCommand).map((call) => call.args[0].input.imageIds!.length);
    expect(batches).toEqual([100, 100, 53]);
    expect(images.map((i) => i.imageTags![0])).toEqual(protectedImages.map((i) => i.imageTags![0]));

    // With KeepLastImages the most recently pushed (old-0..2) survive even though stale, and the
    // run fails: the rule still counts them (Success means the rule agrees).
    ecr.resetHistory();
    images = [...older, ...stale, ...protectedImages];
    const keeping = await run({ DryRun: 'false', Approvers: [APPROVER], KeepLastImages: '3' }, { ApproveRemoval: 'Approved' });
    expect(keeping.status).toBe('Failed');
    expect(keeping.failureMessage).toBe(
      `VerifyRemoval: script failed: ValueError: Not fixed: ecr-stale-images would still find in ${NAME}: 3 stale image(s): old-0, old-1, old-2 (3 kept as one of the KeepLastImages=3 most recent)`,
    );
    expect(ecr.commandCalls(BatchDeleteImageCommand).map((call) => call.args[0].input.imageIds!.length)).toEqual([100, 100, 50]);
    expect(images.map((i) => i.imageTags![0]).sort()).toEqual(['old-0', 'old-1', 'old-2', ...protectedImages.map((i) => i.imageTags![0])].sort());
  });

  it('reports failures per image and fails verification when images remain', async () => {
    const { stale, oldUntagged } = standardRepository();
    deleteFailures = (digests) =>
      digests
        .filter((digest) => digest === oldUntagged.imageDigest)
        .map((digest) => ({ imageId: { imageDigest: digest }, failureCode: 'ImageReferencedByManifestList', failureReason: 'Requested image referenced by manifest list: [sha256:9f]' }));

    const result = await run({ DryRun: 'false', Approvers: [APPROVER] }, { ApproveRemoval: 'Approved' });

    expect(result.status).toBe('Failed');
    expect(result.outputs['RemoveImages.Removed']).toBe(1);
    expect(result.outputs['RemoveImages.Failures']).toEqual([`${oldUntagged.imageDigest}: ImageReferencedByManifestList Requested image referenced by manifest list: [sha256:9f]`]);
    expect(result.failureMessage).toBe(
      `VerifyRemoval: script failed: ValueError: Not fixed: ecr-stale-images would still find in ${NAME}: 1 untagged image(s) older than a day (max 0): ${oldUntagged.imageDigest!.slice(0, 19)}`,
    );
    expect(images.some((i) => i.imageDigest === stale.imageDigest)).toBe(false);
  });

  it('archives instead of deleting when Action is archive (reversible)', async () => {
    const { stale, oldUntagged } = standardRepository();

    const result = await run({ DryRun: 'false', Approvers: [APPROVER], Action: 'archive' }, { ApproveRemoval: 'Approved' });

    expect(result.failureMessage).toBeUndefined();
    expect(result.status).toBe('Success');
    expect(ecr).not.toHaveReceivedCommand(BatchDeleteImageCommand);
    expect(callsTo(result, 'UpdateImageStorageClass').map((c) => c.input).sort((a, b) => JSON.stringify(a.imageId).localeCompare(JSON.stringify(b.imageId)))).toEqual(
      [stale, oldUntagged]
        .map((i) => ({ repositoryName: NAME, imageId: { imageDigest: i.imageDigest }, targetStorageClass: 'ARCHIVE' }))
        .sort((a, b) => JSON.stringify(a.imageId).localeCompare(JSON.stringify(b.imageId))),
    );
    expect(images.filter((i) => i.imageStatus === 'ARCHIVED').map((i) => i.imageDigest).sort()).toEqual(
      [stale.imageDigest, oldUntagged.imageDigest, images.find((i) => i.imageTags?.[0] === 'v0.0')!.imageDigest].sort(),
    );
    expect(images).toHaveLength(20);
  });

  it('removes nothing when the list changed after approval (a listed image was pulled meanwhile)', async () => {
    const { stale } = standardRepository();
    beforeDescribe = (call) => {
      if (call === 2) stale.lastRecordedPullTime = new Date();
    };

    const result = await run({ DryRun: 'false', Approvers: [APPROVER] }, { ApproveRemoval: 'Approved' });

    expect(result.status).toBe('Failed');
    expect(result.failureMessage).toBe(
      'RemoveImages: script failed: ValueError: The images to remove changed after they were listed and approved (1 match now); nothing was removed. Run again and review the new list.',
    );
    expect(mutatingCalls(result)).toEqual([]);
  });

  it('removes exactly the approved list when an image crosses the age limit while the approval waits', async () => {
    const { stale, oldUntagged } = standardRepository();
    // Not stale when listed; 90 days old a few seconds later, while the approval is pending.
    const borderline = img({ tags: ['v0.2'], pushed: 90 - 3_000 / DAY });
    images.push(borderline);
    let removalStartedAt = 0;
    beforeDescribe = (call) => {
      if (call === 2) {
        const wait = Date.now() + 4_000;
        while (Date.now() < wait) {
          // the approver takes their time
        }
        removalStartedAt = Date.now();
      }
    };

    const result = await run({ DryRun: 'false', Approvers: [APPROVER] }, { ApproveRemoval: 'Approved' });

    expect(removalStartedAt - borderline.imagePushedAt!.getTime()).toBeGreaterThan(90 * DAY);
    expect(result.failureMessage).toBeUndefined();
    expect(result.status).toBe('Success');
    expect(result.outputs['ListCandidates.Count']).toBe(2);
    expect(deletedDigests().sort()).toEqual([stale.imageDigest, oldUntagged.imageDigest].sort());
    expect(images.some((i) => i.imageDigest === borderline.imageDigest)).toBe(true);
    expect(result.executedSteps).toEqual(['ListCandidates', 'ChoosePath', 'ApproveRemoval', 'RemoveImages', 'VerifyRemoval']);
  });

  it('refuses a real run without approvers before anything else', async () => {
    standardRepository();
    const result = await run({ DryRun: 'false' });
    expect(result.status).toBe('Failed');
    expect(result.failureMessage).toBe('ListCandidates: script failed: ValueError: DryRun false needs Approvers: nobody could approve removing 2 images.');
    expect(mutatingCalls(result)).toEqual([]);
  });

  it('is idempotent: with nothing stale it verifies and changes nothing, even with DryRun false', async () => {
    images = [img({ tags: ['v3'], pushed: 2 }), img({ tags: ['v2'], pushed: 400, pulled: 1 })];
    const result = await run({ DryRun: 'false', Approvers: [APPROVER] });
    expect(result.status).toBe('Success');
    expect(result.executedSteps).toEqual(['ListCandidates', 'ChoosePath', 'VerifyRemoval']);
    expect(mutatingCalls(result)).toEqual([]);
  });

  it('accepts what the rule passes, and rejects malformed patterns', async () => {
    const passed = rule.remediations[1]!.parameters!(defaultRuleParameters<StaleImagesParams>(rule.id, rule.parameters));
    // One definition with the rule: nothing spared by recency, untagged allowance as in the rule.
    expect(passed).toEqual({ MaxImageAgeDays: '90', MaxIdleDays: '90', MaxUntaggedImages: '0', IncludeUntagged: 'true', KeepLastImages: '0' });
    standardRepository();
    const result = await runAutomation(RUNBOOK, { parameters: { RepositoryName: NAME, AutomationAssumeRole: ROLE_ARN, ...passed } });
    expect(result.status).toBe('Success');
    // Without protected patterns the release images are stale too (still a dry run).
    expect(result.outputs['ListCandidates.Count']).toBe(4);
    await expect(run({ ProtectedTagPatterns: 'release-*,bad pattern' })).rejects.toThrow(InvalidParameterError);
  });

  it('runs one copy of the rule semantics (scripts/common/stale_images.py) in every script, and of the candidate selection in listing and removal', () => {
    const source = (path: string) => readFileSync(new URL(`../../automations/scripts/${path}`, import.meta.url), 'utf8').trimEnd();
    const semantics = source('common/stale_images.py');
    const selection = source('DeleteStaleEcrImages/candidates.py').replace(/^from stale_images import .*$/m, '');
    const runbook = loadRunbooks().find((r) => r.name === RUNBOOK)!;
    const scripts = Object.fromEntries(
      runbook.document.mainSteps.filter((s) => s.action === 'aws:executeScript').map((s) => [s.name, String(s.inputs['Script'])]),
    );
    expect(Object.keys(scripts)).toEqual(['ListCandidates', 'RemoveImages', 'VerifyRemoval']);
    for (const script of Object.values(scripts)) expect(script.split(semantics)).toHaveLength(2);
    for (const step of ['ListCandidates', 'RemoveImages']) expect(scripts[step]!.split(selection.split('\n').slice(-8).join('\n'))).toHaveLength(2);
  });

  it('removes untagged build-up beyond MaxUntaggedImages only, oldest first, and then the rule agrees', async () => {
    const untagged = [3, 5, 8, 13].map((days) => img({ pushed: days }));
    images = [img({ tags: ['v1'], pushed: 2 }), ...untagged];
    const result = await run({ DryRun: 'false', Approvers: [APPROVER], KeepLastImages: '0', MaxUntaggedImages: '2' }, { ApproveRemoval: 'Approved' });
    expect(result.failureMessage).toBeUndefined();
    expect(deletedDigests().sort()).toEqual([untagged[2]!.imageDigest, untagged[3]!.imageDigest].sort());
  });
});

describe('DeleteStaleEcrImages with multi-architecture images', () => {
  const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
  /** An image index listing `children`; ECR refuses to delete a manifest an index still lists. */
  function index(fields: { tags: string[]; pushed: number }, children: ImageDetail[]): ImageDetail {
    const image = { ...img(fields), imageManifestMediaType: OCI_INDEX };
    manifests[image.imageDigest!] = JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: children.map((c) => ({ mediaType: c.imageManifestMediaType, digest: c.imageDigest, size: 1 })) });
    return image;
  }

  it('deletes a stale index before its own platform manifests, and keeps a manifest another kept index lists', async () => {
    const own = img({ pushed: 400 });
    const shared = img({ pushed: 400 });
    const stale = index({ tags: ['v0'], pushed: 400 }, [own, shared]);
    const freshChild = img({ pushed: 1 });
    const fresh = index({ tags: ['v9'], pushed: 1 }, [freshChild, shared]);
    images = [stale, own, shared, fresh, freshChild];
    deleteFailures = (digests) =>
      digests
        .filter((digest) => images.some((i) => i.imageDigest !== undefined && manifests[i.imageDigest]?.includes(digest) && !digests.includes(i.imageDigest)))
        .map((digest) => ({ imageId: { imageDigest: digest }, failureCode: 'ImageReferencedByManifestList', failureReason: 'Requested image referenced by manifest list' }));

    const result = await run({ DryRun: 'false', Approvers: [APPROVER], KeepLastImages: '0' }, { ApproveRemoval: 'Approved' });

    expect(result.failureMessage).toBeUndefined();
    expect(result.status).toBe('Success');
    expect(ecr.commandCalls(BatchDeleteImageCommand).map((call) => call.args[0].input.imageIds!.map((id) => id.imageDigest))).toEqual([[stale.imageDigest], [own.imageDigest]]);
    expect(images.map((i) => i.imageDigest).sort()).toEqual([shared, fresh, freshChild].map((i) => i.imageDigest).sort());
  });

  it('never deletes a platform manifest of an index it keeps (KeepLastImages), and fails naming what remains', async () => {
    const children = [img({ pushed: 401 }), img({ pushed: 401 })];
    const kept = index({ tags: ['v1'], pushed: 400 }, children);
    images = [kept, ...children];

    const result = await run({ DryRun: 'false', Approvers: [APPROVER], KeepLastImages: '1' }, { ApproveRemoval: 'Approved' });

    expect(ecr).not.toHaveReceivedCommand(BatchDeleteImageCommand);
    expect(images).toHaveLength(3);
    expect(result.status).toBe('Failed');
    expect(result.failureMessage).toBe(
      `VerifyRemoval: script failed: ValueError: Not fixed: ecr-stale-images would still find in ${NAME}: 3 stale image(s): v1, ${children[0]!.imageDigest!.slice(0, 19)}, ${children[1]!.imageDigest!.slice(0, 19)} (1 kept as one of the KeepLastImages=1 most recent, 2 kept with the image index that lists them)`,
    );
  });
});
