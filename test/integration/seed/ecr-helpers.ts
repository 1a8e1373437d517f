/** ECR seeding helpers: repositories and images with distinct digests. */
import { createHash, randomBytes } from 'node:crypto';
import { CreateRepositoryCommand, PutImageCommand, PutLifecyclePolicyCommand, type CreateRepositoryCommandInput } from '@aws-sdk/client-ecr';
import { backdated } from '../support/emulator.js';
import type { SeedContext } from './types.js';

export const EXEMPTION_TAG_KEY = 'ecr-guardrails:exempt';

export async function createRepository(ctx: SeedContext, name: string, settings: Partial<CreateRepositoryCommandInput> = {}): Promise<string> {
  await ctx.clients.ecr.send(new CreateRepositoryCommand({ repositoryName: name, ...settings }));
  return name;
}

/** A Docker image manifest (schema 2) of its own: a fresh config digest gives a fresh image digest. */
function manifest(): string {
  const digest = (): string => `sha256:${randomBytes(32).toString('hex')}`;
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 1470, digest: digest() },
    layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 3_000_000, digest: digest() }],
  });
}

/** Pushes one image (untagged when `tag` is undefined), `ageDays` in the past through the fake clock. */
export async function pushImage(ctx: SeedContext, repositoryName: string, tag: string | undefined, ageDays = 0): Promise<void> {
  const put = () =>
    ctx.clients.ecr.send(new PutImageCommand({ repositoryName, imageManifest: manifest(), ...(tag ? { imageTag: tag } : {}) }));
  if (ageDays > 0) await backdated(ageDays, put);
  else await put();
}

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const sha256 = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

/**
 * Pushes a multi-architecture image as a client such as `docker buildx` does: each platform
 * manifest untagged (`childAgeDays` in the past), then the OCI image index listing them, tagged
 * (`indexAgeDays` in the past). Digests are the SHA-256 of the manifest text, as in a registry.
 * Index and platform manifests: https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-manifest-formats.html
 * (the emulator stores the index as given; it ignores BatchGetImage's acceptedMediaTypes and
 * DescribeImages' tagStatus filter, which the rule's collector does not rely on). Returns the child digests.
 */
export async function pushImageIndex(ctx: SeedContext, repositoryName: string, tag: string, childAgeDays: number, indexAgeDays = 0): Promise<string[]> {
  const children = ['amd64', 'arm64'].map((architecture) => ({ architecture, text: manifest().replace('application/vnd.docker.distribution.manifest.v2+json', OCI_MANIFEST) }));
  for (const child of children) {
    const put = () => ctx.clients.ecr.send(new PutImageCommand({ repositoryName, imageManifest: child.text, imageManifestMediaType: OCI_MANIFEST, imageDigest: sha256(child.text) }));
    if (childAgeDays > 0) await backdated(childAgeDays, put);
    else await put();
  }
  const index = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: children.map((child) => ({ mediaType: OCI_MANIFEST, digest: sha256(child.text), size: child.text.length, platform: { architecture: child.architecture, os: 'linux' } })),
  });
  const putIndex = () => ctx.clients.ecr.send(new PutImageCommand({ repositoryName, imageManifest: index, imageManifestMediaType: OCI_INDEX, imageTag: tag, imageDigest: sha256(index) }));
  if (indexAgeDays > 0) await backdated(indexAgeDays, putIndex);
  else await putIndex();
  return children.map((child) => sha256(child.text));
}

export interface LifecycleRule {
  rulePriority: number;
  selection: Record<string, unknown>;
  action: { type: 'expire' };
}

export async function putLifecyclePolicy(ctx: SeedContext, repositoryName: string, rules: LifecycleRule[]): Promise<void> {
  await ctx.clients.ecr.send(new PutLifecyclePolicyCommand({ repositoryName, lifecyclePolicyText: JSON.stringify({ rules }) }));
}

/** A policy that expires untagged images after a day and every image 90 days after its push. */
export const COVERING_POLICY: LifecycleRule[] = [
  { rulePriority: 1, selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 }, action: { type: 'expire' } },
  { rulePriority: 2, selection: { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 90 }, action: { type: 'expire' } },
];
