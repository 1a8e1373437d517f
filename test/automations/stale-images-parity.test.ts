/**
 * The ECR image runbooks verify with the ecr-stale-images rule's image semantics in Python
 * (automations/scripts/common/stale_images.py); the rule's are in TypeScript
 * (rules/ecr-stale-images/summarise.ts). Both run over the same images here and must agree on
 * what is stale, protected and untagged build-up, so "Success" of a runbook means the rule agrees.
 *
 * Semantics cited: ImageDetail fields (imagePushedAt, lastRecordedPullTime, imageStatus,
 * subjectManifestDigest), https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageDetail.html
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ImageFact, StaleImagesParams } from '../../rules/ecr-stale-images/facts.js';
import { rule } from '../../rules/ecr-stale-images/rule.js';
import { DAY_MS, summariseImages } from '../../rules/ecr-stale-images/summarise.js';
import { defaultRuleParameters } from '../../rules/kernel/parameters.js';

const COMMON = fileURLToPath(new URL('../../automations/scripts/common/', import.meta.url));
const NOW = new Date('2026-11-20T09:00:00.000Z');
const ago = (days: number, extraMs = 0) => new Date(NOW.getTime() - days * DAY_MS - extraMs).toISOString();
const DEFAULTS = defaultRuleParameters<StaleImagesParams>(rule.id, rule.parameters);
let n = 0;
const image = (fields: Partial<ImageFact> & { pushed: string }): ImageFact => {
  const { pushed, ...rest } = fields;
  return { imageDigest: `sha256:${(++n).toString(16).padStart(64, 'd')}`, imagePushedAt: pushed, imageStatus: 'ACTIVE', ...rest };
};

const CASES: Array<[string, ImageFact[], Partial<StaleImagesParams>]> = [
  ['exactly at the age limit, idle limit long past', [image({ imageTags: ['v1'], pushed: ago(90) })], { MaxIdleDays: 30 }],
  ['1 ms past the age limit', [image({ imageTags: ['v1'], pushed: ago(90, 1) })], {}],
  ['pulled exactly at the idle limit', [image({ imageTags: ['v1'], pushed: ago(400), lastRecordedPullTime: ago(90) })], {}],
  ['pulled 1 ms past the idle limit', [image({ imageTags: ['v1'], pushed: ago(400), lastRecordedPullTime: ago(90, 1) })], {}],
  ['old but still pulled', [image({ imageTags: ['v1'], pushed: ago(400), lastRecordedPullTime: ago(3) })], {}],
  ['one tag protected of two', [image({ imageTags: ['sha-1', 'release-1.2'], pushed: ago(400) })], { ProtectedTagPatterns: ['release-*'] }],
  ['protected pattern is anchored', [image({ imageTags: ['prefix-release-1'], pushed: ago(400) })], { ProtectedTagPatterns: ['release-*'] }],
  ['archived and activating images', [image({ imageTags: ['v0'], pushed: ago(900), imageStatus: 'ARCHIVED' }), image({ pushed: ago(900), imageStatus: 'ACTIVATING' })], {}],
  ['untagged exactly one day old, and 1 ms past', [image({ pushed: ago(1) }), image({ pushed: ago(1, 1) })], {}],
  ['untagged and stale', [image({ pushed: ago(200) })], {}],
  ['referrer', [image({ pushed: ago(300), subjectManifestDigest: `sha256:${'f'.repeat(64)}` })], {}],
  ['idle limit longer than age', [image({ imageTags: ['v1'], pushed: ago(100) })], { MaxIdleDays: 120 }],
  // Multi-architecture images: platform manifests judged with the tagged index that lists them.
  ['tagged index, its untagged platform manifests', multiArch({ imageTags: ['v2'], pushed: ago(10) }), {}],
  ['stale index and its platform manifests', multiArch({ imageTags: ['v0'], pushed: ago(400) }), {}],
  ['old manifests of a recently pulled index', multiArch({ imageTags: ['v1'], pushed: ago(400), lastRecordedPullTime: ago(2) }), {}],
  ['protected index', multiArch({ imageTags: ['release-2'], pushed: ago(400) }), { ProtectedTagPatterns: ['release-*'] }],
  ['untagged index and its manifests', multiArch({ pushed: ago(30) }), {}],
  ['Docker manifest list', multiArch({ imageTags: ['v3'], pushed: ago(10), imageManifestMediaType: 'application/vnd.docker.distribution.manifest.list.v2+json' }), {}],
];

/** An image index (OCI unless stated) and the two platform manifests it lists, pushed together. */
function multiArch(fields: Partial<ImageFact> & { pushed: string }): ImageFact[] {
  const children = [image({ pushed: fields.pushed, imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json' }), image({ pushed: fields.pushed })];
  const index = image({ imageManifestMediaType: 'application/vnd.oci.image.index.v1+json', ...fields, manifestDigests: children.map((c) => c.imageDigest) });
  return [index, ...children];
}

function python(cases: Array<{ images: ImageFact[]; events: Record<string, string> }>): Array<[number, number, number, number]> {
  const program = [
    'import json, sys',
    `sys.path.insert(0, ${JSON.stringify(COMMON)})`,
    'from stale_images import judge_images, read_images',
    // ECR as the runbooks see it: one page, and each index manifest listing its manifestDigests.
    'class FakeEcr:',
    '    def __init__(self, images): self.images = images',
    '    def get_paginator(self, name): return self',
    '    def paginate(self, **kw): return [{"imageDetails": self.images}]',
    '    def batch_get_image(self, repositoryName, imageIds, acceptedMediaTypes):',
    '        by = {i["imageDigest"]: i for i in self.images}',
    '        return {"failures": [], "images": [{"imageId": x, "imageManifest": json.dumps({"manifests": [{"digest": d} for d in by[x["imageDigest"]].get("manifestDigests", [])]})} for x in imageIds]}',
    'out = []',
    'for c in json.load(sys.stdin):',
    '    pages, parents = read_images(FakeEcr(c["images"]), "r")',
    '    active, stale, protected, untagged = judge_images(pages, c["events"], parents)',
    '    out.append([len(active), len(stale), protected, len(untagged)])',
    'json.dump(out, sys.stdout)',
  ].join('\n');
  const run = spawnSync('python3', ['-c', program], { input: JSON.stringify(cases), encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
  if (run.status !== 0) throw new Error(`python3 failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Array<[number, number, number, number]>;
}

const results = python(
  CASES.map(([, images, overrides]) => {
    const params = { ...DEFAULTS, ...overrides };
    return {
      images,
      events: { AsOf: NOW.toISOString(), MaxImageAgeDays: String(params.MaxImageAgeDays), MaxIdleDays: String(params.MaxIdleDays), ProtectedTagPatterns: params.ProtectedTagPatterns.join(',') },
    };
  }),
);

describe('runbook verification judges images as the ecr-stale-images rule does', () => {
  it.each(CASES.map((c, i) => [c[0], c, results[i]!] as const))('%s', (_label, [, images, overrides], fromPython) => {
    const summary = summariseImages(images, { ...DEFAULTS, ...overrides }, NOW);
    expect(fromPython).toEqual([summary.activeImages, summary.staleImages, summary.protectedImages, summary.untaggedImages]);
  });

  it('the cases give both answers for each count', () => {
    for (const index of [1, 2, 3]) expect(new Set(results.map((r) => r[index]! > 0)).size).toBe(2);
  });
});
