/**
 * Reads the manifests of a repository's tagged image indexes (BatchGetImage, 100 at a time) to
 * learn which untagged images are their platform manifests (rules/common/image-index.ts).
 *
 * BatchGetImage is the call a pull makes, and ECR records it as a pull of the index
 * (lastRecordedPullTime; https://github.com/aws/containers-roadmap/issues/2390). The collector
 * therefore reads pull times first, and the deployment registers the evaluation and automation
 * roles as pull-time update exclusions (AWS::ECR::PullTimeUpdateExclusion;
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_RegisterPullTimeUpdateExclusion.html)
 * so their reads never make an image look used. Run from a laptop, register the principal the
 * same way (docs/rules/ecr-stale-images.md).
 */
import { BatchGetImageCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { EcrGuardrailsError } from '../kernel/errors.js';
import type { Unreadable } from '../kernel/not-readable.js';
import { ACCEPTED_MANIFEST_MEDIA_TYPES, BATCH_GET_IMAGE_MAX_IDS, IndexParents, indexChildDigests } from '../common/image-index.js';

/** An index of this repository cannot be read: the repository is reported as not readable, the others go on. */
export class IndexUnreadableError extends EcrGuardrailsError {
  constructor(readonly unreadable: Unreadable) {
    super(unreadable.message);
  }
}

const unreadable = (error: string, message: string) => new IndexUnreadableError({ call: 'ecr:BatchGetImage', error, message });

/** A tagged, active image index as listed. */
export interface IndexImage {
  digest: string;
  tags: readonly string[];
  lastUseMs: number;
}

/** Child digest -> inheritance, for every index listed; an index that cannot be read fails the repository (never a guess). */
export async function resolveIndexChildren(ecr: ECRClient, repositoryName: string, indexes: readonly IndexImage[]): Promise<IndexParents> {
  const parents = new IndexParents();
  for (let start = 0; start < indexes.length; start += BATCH_GET_IMAGE_MAX_IDS) {
    const batch = indexes.slice(start, start + BATCH_GET_IMAGE_MAX_IDS);
    const byDigest = new Map(batch.map((index) => [index.digest, index]));
    const response = await ecr.send(
      new BatchGetImageCommand({ repositoryName, imageIds: batch.map((index) => ({ imageDigest: index.digest })), acceptedMediaTypes: ACCEPTED_MANIFEST_MEDIA_TYPES }),
    );
    for (const failure of response.failures ?? []) {
      // Deleted since it was listed: nothing of it is left to judge.
      if (failure.failureCode === 'ImageNotFound') continue;
      throw unreadable(
        failure.failureCode ?? 'UnknownFailure',
        `image index ${failure.imageId?.imageDigest ?? '?'} could not be read (${failure.failureReason ?? 'no reason given'}): its platform manifests cannot be told from untagged images`,
      );
    }
    // An index the response leaves out entirely is as unreadable as one it reports a failure for.
    const returned = new Set((response.images ?? []).map((image) => image.imageId?.imageDigest));
    const reported = new Set((response.failures ?? []).map((failure) => failure.imageId?.imageDigest));
    const missing = batch.find((index) => !returned.has(index.digest) && !reported.has(index.digest));
    if (missing) throw unreadable('MissingFromResponse', `BatchGetImage returned neither image index ${missing.digest} nor a failure for it`);
    for (const image of response.images ?? []) {
      const index = byDigest.get(image.imageId?.imageDigest ?? '');
      if (!index) continue;
      const children = indexChildDigests(image.imageManifest ?? '');
      if (!children) throw unreadable('UnrecognisedIndexManifest', `the manifest of image index ${index.digest} lists no manifests: its platform manifests cannot be told from untagged images`);
      parents.addIndex(children, index.tags, index.lastUseMs);
    }
  }
  return parents;
}
