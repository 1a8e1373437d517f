/**
 * A stateful fake of the ECR API calls the ECR rules and runbooks make, behind the real SDK
 * client (aws-sdk-client-mock): what a runbook writes, the rule's collector reads back. Shapes
 * follow the ECR API reference (DescribeRepositories, DescribeImages, BatchDeleteImage, ...).
 */
import {
  BatchDeleteImageCommand,
  BatchGetImageCommand,
  DeleteRepositoryPolicyCommand,
  DescribeRegistryCommand,
  GetRegistryPolicyCommand,
  GetRepositoryPolicyCommand,
  RegistryPolicyNotFoundException,
  RepositoryPolicyNotFoundException,
  SetRepositoryPolicyCommand,
  type ReplicationRule,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  type ECRClient,
  GetLifecyclePolicyCommand,
  GetLifecyclePolicyPreviewCommand,
  LifecyclePolicyNotFoundException,
  ListTagsForResourceCommand,
  PutImageTagMutabilityCommand,
  PutLifecyclePolicyCommand,
  RepositoryNotFoundException,
  StartLifecyclePolicyPreviewCommand,
  UpdateImageStorageClassCommand,
  type ImageDetail,
  type ImageTagMutability,
  type ImageTagMutabilityExclusionFilter,
  type Repository,
} from '@aws-sdk/client-ecr';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { ecrRepository } from './ecr.js';

/** One repository as ECR keeps it between calls. */
export interface WorldRepository {
  repository: Repository;
  tags: Record<string, string>;
  lifecyclePolicyText?: string;
  /** The repository policy; absent: none. */
  policyText?: string;
  images: ImageDetail[];
  /** Manifest text per image digest (BatchGetImage); an index's lists its platform manifests. */
  manifests: Record<string, string>;
}

/** An OCI image index manifest listing these digests. */
export function indexManifest(childDigests: readonly string[]): string {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: childDigests.map((digest, i) => ({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: 1000 + i, platform: { architecture: ['amd64', 'arm64'][i % 2], os: 'linux' } })),
  });
}

export class EcrWorld {
  readonly repositories = new Map<string, WorldRepository>();
  /** The registry permissions policy; absent: none. */
  registryPolicyText?: string;
  replicationRules: ReplicationRule[] = [];

  /** Adds (or replaces) a repository; returns it for further seeding. */
  add(
    name: string,
    seed: {
      mode?: string;
      filters?: string[];
      tags?: Record<string, string>;
      lifecyclePolicyText?: string | null;
      policyText?: string;
      images?: ImageDetail[];
      manifests?: Record<string, string>;
    } = {},
  ): WorldRepository {
    const entry: WorldRepository = {
      repository: ecrRepository(name, {
        imageTagMutability: (seed.mode ?? 'MUTABLE') as ImageTagMutability,
        ...(seed.filters?.length ? { imageTagMutabilityExclusionFilters: seed.filters.map((filter) => ({ filterType: 'WILDCARD', filter })) } : {}),
      }),
      tags: seed.tags ?? {},
      ...(typeof seed.lifecyclePolicyText === 'string' ? { lifecyclePolicyText: seed.lifecyclePolicyText } : {}),
      ...(seed.policyText !== undefined ? { policyText: seed.policyText } : {}),
      images: seed.images ?? [],
      manifests: seed.manifests ?? {},
    };
    this.repositories.set(name, entry);
    return entry;
  }

  private get(name: string | undefined): WorldRepository {
    const entry = name === undefined ? undefined : this.repositories.get(name);
    if (!entry) throw new RepositoryNotFoundException({ message: `The repository with name '${name}' does not exist in the registry`, $metadata: {} });
    return entry;
  }

  /** Installs the fake on a mocked ECR client (call after `mock.reset()`). */
  install(mock: AwsClientStub<ECRClient>): void {
    // Inputs are typed per handler below; the stub's own per-command typing is looser than that.
    const ecr = mock as unknown as { on: (command: unknown) => { callsFake: (fn: (input: never) => unknown) => void } };
    const page = <T>(items: T[], input: { nextToken?: string; maxResults?: number }, size: number) => {
      const start = Number(input.nextToken ?? 0);
      const end = start + (input.maxResults ?? size);
      return { items: items.slice(start, end), ...(end < items.length ? { nextToken: String(end) } : {}) };
    };
    ecr.on(DescribeRepositoriesCommand).callsFake((input: { repositoryNames?: string[]; nextToken?: string; maxResults?: number }) => {
      const chosen = input.repositoryNames ? input.repositoryNames.map((name) => this.get(name)) : [...this.repositories.values()];
      const { items, nextToken } = page(chosen.map((entry) => structuredClone(entry.repository)), input, 100);
      return { repositories: items, ...(nextToken ? { nextToken } : {}) };
    });
    ecr.on(ListTagsForResourceCommand).callsFake((input: { resourceArn: string }) => {
      const entry = [...this.repositories.values()].find((candidate) => candidate.repository.repositoryArn === input.resourceArn);
      if (!entry) throw new RepositoryNotFoundException({ message: `no repository ${input.resourceArn}`, $metadata: {} });
      return { tags: Object.entries(entry.tags).map(([Key, Value]) => ({ Key, Value })) };
    });
    ecr.on(DescribeImagesCommand).callsFake((input: { repositoryName: string; filter?: { imageStatus?: string; tagStatus?: string }; nextToken?: string; maxResults?: number }) => {
      // Without a filter DescribeImages returns ACTIVE images only.
      const status = input.filter?.imageStatus ?? 'ACTIVE';
      const tagStatus = input.filter?.tagStatus ?? 'ANY';
      const tagged = (image: ImageDetail) => (image.imageTags?.length ?? 0) > 0;
      const matching = this.get(input.repositoryName).images.filter(
        (image) =>
          (status === 'ANY' || (image.imageStatus ?? 'ACTIVE') === status) && (tagStatus === 'ANY' || tagged(image) === (tagStatus === 'TAGGED')),
      );
      const { items, nextToken } = page(structuredClone(matching), input, 100);
      return { imageDetails: items, ...(nextToken ? { nextToken } : {}) };
    });
    ecr.on(BatchGetImageCommand).callsFake((input: { repositoryName: string; imageIds: Array<{ imageDigest?: string }> }) => {
      const entry = this.get(input.repositoryName);
      const images = [];
      const failures = [];
      for (const id of input.imageIds) {
        const image = entry.images.find((candidate) => candidate.imageDigest === id.imageDigest);
        if (!image) failures.push({ imageId: id, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' });
        else images.push({ registryId: image.registryId, repositoryName: input.repositoryName, imageId: { imageDigest: image.imageDigest }, imageManifest: entry.manifests[image.imageDigest!] ?? '{"schemaVersion":2}', imageManifestMediaType: image.imageManifestMediaType });
      }
      return { images, failures };
    });
    ecr.on(GetLifecyclePolicyCommand).callsFake((input: { repositoryName: string }) => {
      const entry = this.get(input.repositoryName);
      if (entry.lifecyclePolicyText === undefined) {
        throw new LifecyclePolicyNotFoundException({ message: 'Lifecycle policy does not exist for the repository', $metadata: {} });
      }
      return { repositoryName: input.repositoryName, lifecyclePolicyText: entry.lifecyclePolicyText };
    });
    ecr.on(PutLifecyclePolicyCommand).callsFake((input: { repositoryName: string; lifecyclePolicyText: string }) => {
      this.get(input.repositoryName).lifecyclePolicyText = input.lifecyclePolicyText;
      return { repositoryName: input.repositoryName, lifecyclePolicyText: input.lifecyclePolicyText };
    });
    ecr.on(StartLifecyclePolicyPreviewCommand).callsFake((input: { repositoryName: string; lifecyclePolicyText: string }) => ({
      repositoryName: input.repositoryName,
      lifecyclePolicyText: input.lifecyclePolicyText,
      status: 'IN_PROGRESS',
    }));
    ecr.on(GetLifecyclePolicyPreviewCommand).callsFake((input: { repositoryName: string }) => ({ repositoryName: input.repositoryName, status: 'COMPLETE', previewResults: [] }));
    ecr.on(BatchDeleteImageCommand).callsFake((input: { repositoryName: string; imageIds: Array<{ imageDigest?: string }> }) => {
      const entry = this.get(input.repositoryName);
      const digests = new Set(input.imageIds.map((id) => id.imageDigest));
      const deleted = entry.images.filter((image) => digests.has(image.imageDigest));
      entry.images = entry.images.filter((image) => !digests.has(image.imageDigest));
      return { imageIds: deleted.map((image) => ({ imageDigest: image.imageDigest })), failures: [] };
    });
    ecr.on(UpdateImageStorageClassCommand).callsFake((input: { repositoryName: string; imageId: { imageDigest?: string } }) => {
      const image = this.get(input.repositoryName).images.find((candidate) => candidate.imageDigest === input.imageId.imageDigest);
      if (image) image.imageStatus = 'ARCHIVED';
      return { repositoryName: input.repositoryName, imageId: input.imageId, imageStatus: 'ARCHIVED' };
    });
    ecr.on(PutImageTagMutabilityCommand).callsFake(
      (input: { repositoryName: string; imageTagMutability: ImageTagMutability; imageTagMutabilityExclusionFilters?: ImageTagMutabilityExclusionFilter[] }) => {
        const entry = this.get(input.repositoryName);
        entry.repository.imageTagMutability = input.imageTagMutability;
        if (input.imageTagMutabilityExclusionFilters?.length) entry.repository.imageTagMutabilityExclusionFilters = input.imageTagMutabilityExclusionFilters;
        else delete entry.repository.imageTagMutabilityExclusionFilters;
        return { repositoryName: input.repositoryName, imageTagMutability: input.imageTagMutability };
      },
    );
    ecr.on(GetRepositoryPolicyCommand).callsFake((input: { repositoryName: string }) => {
      const entry = this.get(input.repositoryName);
      if (entry.policyText === undefined) throw new RepositoryPolicyNotFoundException({ message: 'Repository policy does not exist for the repository', $metadata: {} });
      return { registryId: entry.repository.registryId, repositoryName: input.repositoryName, policyText: entry.policyText };
    });
    ecr.on(SetRepositoryPolicyCommand).callsFake((input: { repositoryName: string; policyText: string }) => {
      this.get(input.repositoryName).policyText = input.policyText;
      return { repositoryName: input.repositoryName, policyText: input.policyText };
    });
    ecr.on(DeleteRepositoryPolicyCommand).callsFake((input: { repositoryName: string }) => {
      const entry = this.get(input.repositoryName);
      if (entry.policyText === undefined) throw new RepositoryPolicyNotFoundException({ message: 'Repository policy does not exist for the repository', $metadata: {} });
      const policyText = entry.policyText;
      delete entry.policyText;
      return { repositoryName: input.repositoryName, policyText };
    });
    ecr.on(GetRegistryPolicyCommand).callsFake(() => {
      if (this.registryPolicyText === undefined) throw new RegistryPolicyNotFoundException({ message: 'Registry policy does not exist', $metadata: {} });
      return { policyText: this.registryPolicyText };
    });
    ecr.on(DescribeRegistryCommand).callsFake(() => ({ replicationConfiguration: { rules: this.replicationRules } }));
  }
}
