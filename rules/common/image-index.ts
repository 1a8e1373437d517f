/**
 * Multi-architecture images: an image index (OCI image index, Docker manifest list) names one
 * manifest per platform (and, from BuildKit, attestation manifests). ECR stores those manifests
 * as separate, untagged images; DescribeImages does not say which index refers to them. Only the
 * index's own manifest (BatchGetImage) lists its children.
 *
 * A child lives and dies with its index: it inherits the index's tags (so it is neither
 * "untagged build-up" nor unprotected while its index is tagged or protected) and its last use
 * (a pull by tag records the pull on the index). A manifest referenced by several indexes takes
 * the union of their tags and the latest of their last uses.
 *
 * Media types: https://github.com/opencontainers/image-spec/blob/main/image-index.md and
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-manifest-formats.html
 * (ECR stores and serves both index formats: https://docs.aws.amazon.com/AmazonECR/latest/userguide/docker-push-multi-architecture-image.html).
 */

/** Manifest media types of image indexes. */
export const INDEX_MEDIA_TYPES: ReadonlySet<string> = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);

/** Every media type BatchGetImage may return for a manifest (indexes included), for `acceptedMediaTypes`. */
export const ACCEPTED_MANIFEST_MEDIA_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.v1+json',
];

/** BatchGetImage's largest `imageIds` list. */
export const BATCH_GET_IMAGE_MAX_IDS = 100;

/** What a child inherits from the indexes that refer to it. */
export interface IndexParent {
  tags: readonly string[];
  /** The latest last use (push or recorded pull, epoch ms) of the referring indexes. */
  lastUseMs: number;
}

/** Is this image an index, by its manifest media type (DescribeImages `imageManifestMediaType`)? */
export const isIndex = (mediaType: string | undefined): boolean => mediaType !== undefined && INDEX_MEDIA_TYPES.has(mediaType);

/**
 * The digests an index manifest lists, or undefined when the text is not an index manifest
 * (not JSON, no `manifests` array, an entry without a digest): callers never guess children.
 */
export function indexChildDigests(manifestText: string): string[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(manifestText);
  } catch {
    return undefined;
  }
  const manifests = (parsed as { manifests?: unknown } | null)?.manifests;
  if (!Array.isArray(manifests)) return undefined;
  const digests: string[] = [];
  for (const entry of manifests) {
    const digest = (entry as { digest?: unknown } | null)?.digest;
    if (typeof digest !== 'string' || digest.length === 0) return undefined;
    digests.push(digest);
  }
  return digests;
}

/** Child digest -> what it inherits, built index by index. */
export class IndexParents {
  private readonly parents = new Map<string, { tags: Set<string>; lastUseMs: number }>();

  /** Records an index: each of its children inherits its tags and last use. */
  addIndex(childDigests: readonly string[], tags: readonly string[], lastUseMs: number): void {
    for (const digest of childDigests) {
      const known = this.parents.get(digest);
      if (known) {
        for (const tag of tags) known.tags.add(tag);
        known.lastUseMs = Math.max(known.lastUseMs, lastUseMs);
      } else this.parents.set(digest, { tags: new Set(tags), lastUseMs });
    }
  }

  get(digest: string): IndexParent | undefined {
    const parent = this.parents.get(digest);
    return parent && { tags: [...parent.tags], lastUseMs: parent.lastUseMs };
  }

  get size(): number {
    return this.parents.size;
  }
}
