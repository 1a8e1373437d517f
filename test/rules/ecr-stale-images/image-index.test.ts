/**
 * Multi-architecture images (issue 12): the platform manifests of an image index are separate,
 * untagged images in ECR. They inherit the index's tags, protection and last pull; they are
 * neither untagged build-up nor stale while their index is not.
 *
 * Shapes: DescribeImages ImageDetail.imageManifestMediaType and BatchGetImage Image.imageManifest
 * (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageDetail.html,
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchGetImage.html); the OCI image
 * index format (https://github.com/opencontainers/image-spec/blob/main/image-index.md); pushing a
 * multi-architecture image to ECR (https://docs.aws.amazon.com/AmazonECR/latest/userguide/docker-push-multi-architecture-image.html).
 */
import { BatchGetImageCommand, DescribeImagesCommand, DescribeRepositoriesCommand, ECRClient, GetLifecyclePolicyCommand, ListTagsForResourceCommand, type ImageDetail } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { indexChildDigests, IndexParents } from '../../../rules/common/image-index.js';
import { collectStaleImages } from '../../../rules/ecr-stale-images/collect.js';
import { evaluate } from '../../../rules/ecr-stale-images/evaluate.js';
import { StaleImagesFactsError, type ImageFact } from '../../../rules/ecr-stale-images/facts.js';
import { DAY_MS, summariseImages } from '../../../rules/ecr-stale-images/summarise.js';
import { EcrWorld, indexManifest } from '../../support/ecr-world.js';
import { ecrRepository } from '../../support/ecr.js';
import { DEFAULTS, GOOD_POLICY, NOW, staleContext } from '../../fixtures/ecr-stale-images/collect-context.js';

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const ago = (days: number) => new Date(NOW.getTime() - days * DAY_MS).toISOString();
let n = 0;
const digest = () => `sha256:${(++n).toString(16).padStart(64, 'e')}`;

/** An index pushed `pushed` days ago with `children` platform manifests pushed at the same time. */
function multiArch(fields: { tags?: string[]; pushed: number; pulled?: number; mediaType?: string; children?: number }): { index: ImageFact; children: ImageFact[] } {
  const children: ImageFact[] = Array.from({ length: fields.children ?? 2 }, () => ({ imageDigest: digest(), imagePushedAt: ago(fields.pushed), imageManifestMediaType: OCI_MANIFEST, imageSizeInBytes: 50 }));
  const index: ImageFact = {
    imageDigest: digest(),
    ...(fields.tags ? { imageTags: fields.tags } : {}),
    imagePushedAt: ago(fields.pushed),
    ...(fields.pulled !== undefined ? { lastRecordedPullTime: ago(fields.pulled) } : {}),
    imageManifestMediaType: fields.mediaType ?? OCI_INDEX,
    manifestDigests: children.map((c) => c.imageDigest),
    imageSizeInBytes: 50,
  };
  return { index, children };
}

describe('image index children inherit from their index (summary)', () => {
  it('children of a tagged index are not untagged build-up', () => {
    const { index, children } = multiArch({ tags: ['v2'], pushed: 10 });
    const summary = summariseImages([index, ...children], DEFAULTS, NOW);
    expect(summary).toMatchObject({ activeImages: 3, untaggedImages: 0, staleImages: 0, indexChildren: 2 });
  });

  it('children pushed long ago but listed by a recently pulled index are not stale (the index pull counts for them)', () => {
    const { index, children } = multiArch({ tags: ['v1'], pushed: 400, pulled: 3 });
    const summary = summariseImages([index, ...children], DEFAULTS, NOW);
    expect(summary).toMatchObject({ staleImages: 0, untaggedImages: 0 });
  });

  it('a stale index makes its children stale with it; a protected index protects them', () => {
    const stale = multiArch({ tags: ['v0'], pushed: 400, pulled: 200, mediaType: DOCKER_LIST });
    expect(summariseImages([stale.index, ...stale.children], DEFAULTS, NOW)).toMatchObject({ staleImages: 3, untaggedImages: 0 });
    const kept = multiArch({ tags: ['release-1'], pushed: 400 });
    expect(summariseImages([kept.index, ...kept.children], { ...DEFAULTS, ProtectedTagPatterns: ['release-*'] }, NOW)).toMatchObject({ staleImages: 0, protectedImages: 3 });
  });

  it('a manifest shared by a stale and a fresh index takes the fresher last use and both tag sets', () => {
    const stale = multiArch({ tags: ['old'], pushed: 400, children: 1 });
    const fresh = multiArch({ tags: ['new'], pushed: 2, children: 0 });
    fresh.index.manifestDigests = [stale.children[0]!.imageDigest];
    const summary = summariseImages([stale.index, fresh.index, ...stale.children], DEFAULTS, NOW);
    // The stale index alone is stale; the shared child is kept by the fresh one.
    expect(summary).toMatchObject({ staleImages: 1, untaggedImages: 0 });
    expect(summary.oldestStale.map((s) => s.ref)).toEqual(['old']);
  });

  it('children of an untagged index are untagged build-up like their index (the untagged index is never read)', () => {
    const { index, children } = multiArch({ pushed: 10 });
    const summary = summariseImages([index, ...children], DEFAULTS, NOW);
    expect(summary).toMatchObject({ untaggedImages: 3 });
    expect(summary).not.toHaveProperty('indexChildren');
  });

  it('without the index a platform manifest is what it looks like: untagged', () => {
    const { children } = multiArch({ tags: ['v2'], pushed: 10 });
    expect(summariseImages(children, DEFAULTS, NOW)).toMatchObject({ untaggedImages: 2 });
  });

  it('refuses a tagged index fact without its manifest digests (its children cannot be told apart)', () => {
    const { index, children } = multiArch({ tags: ['v2'], pushed: 10 });
    delete index.manifestDigests;
    expect(() => summariseImages([index, ...children], DEFAULTS, NOW)).toThrow(StaleImagesFactsError);
  });

  it('the repository verdict: an index with its platform manifests is COMPLIANT, not "untagged build-up"', () => {
    const { index, children } = multiArch({ tags: ['v2'], pushed: 10 });
    const [evaluation] = evaluate({ repositories: [{ repositoryName: 'multi', tags: {}, lifecyclePolicyText: GOOD_POLICY, images: [index, ...children] }] }, DEFAULTS, NOW);
    expect(evaluation).toMatchObject({ complianceType: 'COMPLIANT' });
  });
});

describe('index manifests', () => {
  it('lists the digests of an OCI index and of a Docker manifest list', () => {
    expect(indexChildDigests(indexManifest(['sha256:a', 'sha256:b']))).toEqual(['sha256:a', 'sha256:b']);
    const dockerList = JSON.stringify({ schemaVersion: 2, mediaType: DOCKER_LIST, manifests: [{ mediaType: 'application/vnd.docker.distribution.manifest.v2+json', digest: 'sha256:c', size: 1, platform: { architecture: 'amd64', os: 'linux' } }] });
    expect(indexChildDigests(dockerList)).toEqual(['sha256:c']);
  });

  it.each([
    ['not JSON', 'oops'],
    ['a platform manifest, not an index', JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, layers: [] })],
    ['an entry without a digest', JSON.stringify({ manifests: [{ mediaType: OCI_MANIFEST }] })],
    ['null', 'null'],
  ])('never guesses children from %s', (_label, text) => {
    expect(indexChildDigests(text)).toBeUndefined();
  });

  it('merges the parents of a manifest listed by several indexes', () => {
    const parents = new IndexParents();
    parents.addIndex(['sha256:x'], ['a'], 10);
    parents.addIndex(['sha256:x', 'sha256:y'], ['b'], 5);
    expect(parents.get('sha256:x')).toEqual({ tags: ['a', 'b'], lastUseMs: 10 });
    expect(parents.get('sha256:y')).toEqual({ tags: ['b'], lastUseMs: 5 });
    expect(parents.get('sha256:z')).toBeUndefined();
  });
});

describe('collector: reads index manifests after the pull times, once per 100 indexes', () => {
  const ecr = mockClient(ECRClient);
  const world = new EcrWorld();
  const detail = (fact: ImageFact): ImageDetail => ({
    registryId: '111122223333',
    repositoryName: 'multi',
    imageDigest: fact.imageDigest,
    ...(fact.imageTags ? { imageTags: fact.imageTags } : {}),
    imagePushedAt: new Date(fact.imagePushedAt),
    ...(fact.lastRecordedPullTime ? { lastRecordedPullTime: new Date(fact.lastRecordedPullTime) } : {}),
    imageManifestMediaType: fact.imageManifestMediaType,
    imageSizeInBytes: 50,
    imageStatus: 'ACTIVE',
  });
  const seed = (groups: Array<{ index: ImageFact; children: ImageFact[] }>) => {
    const images = groups.flatMap((g) => [g.index, ...g.children]);
    world.add('multi', { lifecyclePolicyText: GOOD_POLICY, images: images.map(detail), manifests: Object.fromEntries(groups.map((g) => [g.index.imageDigest, indexManifest(g.index.manifestDigests ?? [])])) });
  };

  beforeEach(() => {
    ecr.reset();
    world.repositories.clear();
    world.install(ecr);
  });

  it('classifies the children of 150 indexes with two BatchGetImage calls, after both listings started with the tagged one', async () => {
    seed(Array.from({ length: 150 }, (_, i) => multiArch({ tags: [`v${i}`], pushed: 5 })));
    const facts = await collectStaleImages(staleContext());
    expect(facts.repositories[0]).toMatchObject({ repositoryName: 'multi', summary: { activeImages: 450, untaggedImages: 0, staleImages: 0, indexChildren: 300 } });
    const calls = ecr.calls().map((call) => (call.args[0] as { constructor: { name: string } }).constructor.name).filter((name) => name === 'DescribeImagesCommand' || name === 'BatchGetImageCommand');
    expect(calls).toEqual(['DescribeImagesCommand', 'BatchGetImageCommand', 'BatchGetImageCommand', 'DescribeImagesCommand']);
    const batches = ecr.commandCalls(BatchGetImageCommand).map((call) => call.args[0].input);
    expect(batches.map((input) => input.imageIds?.length)).toEqual([100, 50]);
    expect(batches[0]!.acceptedMediaTypes).toEqual(expect.arrayContaining([OCI_INDEX, DOCKER_LIST]));
    expect(evaluate(facts, DEFAULTS, NOW)[0]).toMatchObject({ complianceType: 'COMPLIANT' });
  });

  it('reports the repository as not readable when an index manifest cannot be read, and goes on with the others', async () => {
    const broken = multiArch({ tags: ['v1'], pushed: 5 });
    seed([broken]);
    world.repositories.get('multi')!.manifests[broken.index.imageDigest] = JSON.stringify({ schemaVersion: 2 });
    world.add('plain', { lifecyclePolicyText: GOOD_POLICY });
    const facts = await collectStaleImages(staleContext());
    const evaluations = evaluate(facts, DEFAULTS, NOW);
    expect(evaluations.find((e) => e.resourceId === 'multi')).toMatchObject({
      complianceType: 'NON_COMPLIANT',
      annotation: expect.stringMatching(/^Not readable: ecr:BatchGetImage returned what cannot be judged \(UnrecognisedIndexManifest\)/),
    });
    expect(evaluations.find((e) => e.resourceId === 'multi')!.runbook).toBeUndefined();
    expect(evaluations.find((e) => e.resourceId === 'plain')).toMatchObject({ complianceType: 'COMPLIANT' });
  });

  it('an index BatchGetImage is denied for is "not readable" naming ecr:BatchGetImage', async () => {
    seed([multiArch({ tags: ['v1'], pushed: 5 })]);
    ecr.on(BatchGetImageCommand).rejects(Object.assign(new Error('User is not authorized to perform: ecr:BatchGetImage'), { name: 'AccessDeniedException' }));
    const facts = await collectStaleImages(staleContext());
    expect(facts.repositories[0]!.unreadable).toMatchObject({ call: 'ecr:BatchGetImage', error: 'AccessDeniedException' });
  });

  it('asks for no manifest when the repository holds no index', async () => {
    ecr.on(DescribeRepositoriesCommand).resolves({ repositories: [ecrRepository('plain')] });
    ecr.on(ListTagsForResourceCommand).resolves({ tags: [] });
    ecr.on(GetLifecyclePolicyCommand).resolves({ lifecyclePolicyText: GOOD_POLICY });
    ecr.on(DescribeImagesCommand).resolves({ imageDetails: [] });
    await collectStaleImages(staleContext());
    expect(ecr).not.toHaveReceivedCommand(BatchGetImageCommand);
  });
});
