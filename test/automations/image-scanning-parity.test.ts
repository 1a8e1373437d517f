/**
 * EnableEcrImageScanning's scripts repeat the ecr-image-scanning rule's configuration check in
 * Python (automations/scripts/EnableEcrImageScanning/scanning.py, `pushes_scanned`): which
 * effective frequency scans every push for each registry scan type. Both run over every
 * combination here and must agree, so the runbook's verification is the rule's own.
 * Values: https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_RegistryScanningRule.html
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configurationProblem, evaluate, type ImageScanFact, type ImageScanningParams } from '../../rules/ecr-image-scanning/evaluate.js';

const SCRIPTS = fileURLToPath(new URL('../../automations/scripts/EnableEcrImageScanning/', import.meta.url));
const SCAN_TYPES = ['BASIC', 'ENHANCED', 'PREMIUM', ''];
const FREQUENCIES = ['SCAN_ON_PUSH', 'CONTINUOUS_SCAN', 'MANUAL', 'HOURLY', null];
const CASES = SCAN_TYPES.flatMap((scanType) => FREQUENCIES.map((frequency) => [scanType, frequency] as const));

function python(cases: ReadonlyArray<readonly [string, string | null]>): boolean[] {
  const program = 'import json, sys\nfrom scanning import pushes_scanned\nprint(json.dumps([pushes_scanned(t, f) for t, f in json.load(sys.stdin)]))';
  const run = spawnSync('python3', ['-c', program], { input: JSON.stringify(cases), encoding: 'utf8', env: { ...process.env, PYTHONPATH: SCRIPTS, PYTHONDONTWRITEBYTECODE: '1' } });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as boolean[];
}

describe('EnableEcrImageScanning verification agrees with the ecr-image-scanning rule', () => {
  const answers = python(CASES);
  it.each(CASES.map((c, i) => [c[0] || '(none)', c[1] ?? '(none)', i] as const))('registry %s, frequency %s', (_type, _frequency, i) => {
    const [scanType, frequency] = CASES[i]!;
    const rule = configurationProblem({ repositoryName: 'team/app', tags: {}, scanning: { ...(frequency ? { scanFrequency: frequency } : {}), appliedScanFilters: [] } }, { scanType, rules: [] }) === undefined;
    expect(answers[i]).toBe(rule);
  });

  it('accepts exactly the documented pairs', () => {
    expect(CASES.filter((_, i) => answers[i])).toEqual([
      ['BASIC', 'SCAN_ON_PUSH'],
      ['ENHANCED', 'SCAN_ON_PUSH'],
      ['ENHANCED', 'CONTINUOUS_SCAN'],
    ]);
  });
});

/**
 * The verification's image checks (scan_images.py `image_problems`) against the rule's evaluation of
 * a repository whose pushes are scanned: which images are in use, what each scan status means
 * (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageScanStatus.html), and which
 * basic-scan findings are old (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageScanFindingsSummary.html).
 */
describe('EnableEcrImageScanning image checks agree with the ecr-image-scanning rule', () => {
  const NOW = '2026-11-20T09:00:00.000Z';
  const ago = (days: number) => new Date(Date.parse(NOW) - days * 86_400_000).toISOString();
  const STATUSES = ['COMPLETE', 'ACTIVE', 'IN_PROGRESS', 'PENDING', 'FAILED', 'LIMIT_EXCEEDED', 'FINDINGS_UNAVAILABLE', 'SCAN_ELIGIBILITY_EXPIRED', 'IMAGE_ARCHIVED', 'UNSUPPORTED_IMAGE', 'SOMETHING_NEW', undefined];
  const TIMES: Array<[string, Partial<ImageScanFact>]> = [
    ['pushed 3d ago', { imagePushedAt: ago(3) }],
    ['pushed 100d ago, pulled 2d ago', { imagePushedAt: ago(100), lastRecordedPullTime: ago(2) }],
    ['pushed 100d ago, pulled 40d ago', { imagePushedAt: ago(100), lastRecordedPullTime: ago(40) }],
    ['no push time', {}],
  ];
  const SUMMARIES: Array<[string, ImageScanFact['imageScanFindingsSummary'] | undefined]> = [
    ['no summary', undefined],
    ['CRITICAL scanned 60d ago', { imageScanCompletedAt: ago(60), findingSeverityCounts: { CRITICAL: 2 } }],
    ['CRITICAL scanned 5d ago', { imageScanCompletedAt: ago(5), findingSeverityCounts: { CRITICAL: 1 } }],
    ['HIGH scanned 60d ago', { imageScanCompletedAt: ago(60), findingSeverityCounts: { HIGH: 4 } }],
    ['UNDEFINED and an unknown severity, no time', { findingSeverityCounts: { UNDEFINED: 1, WHATEVER: 1 } }],
  ];
  const PARAMS: ImageScanningParams[] = [
    { InUseDays: 30, MaxFindingSeverity: 'CRITICAL', MaxFindingAgeDays: 30, VulnerabilityCheck: true, ExemptionTagKey: 'x', Concurrency: 8 },
    { InUseDays: 30, MaxFindingSeverity: 'HIGH', MaxFindingAgeDays: 0, VulnerabilityCheck: true, ExemptionTagKey: 'x', Concurrency: 8 },
    { InUseDays: 30, MaxFindingSeverity: 'CRITICAL', MaxFindingAgeDays: 30, VulnerabilityCheck: false, ExemptionTagKey: 'x', Concurrency: 8 },
  ];
  const cases = PARAMS.flatMap((params, p) =>
    STATUSES.flatMap((status) =>
      TIMES.flatMap(([time, times]) =>
        SUMMARIES.map(([summary, findings]) => ({
          label: `params ${p}, ${status ?? 'never scanned'}, ${time}, ${summary}`,
          params,
          image: { imageDigest: `sha256:${'9'.repeat(64)}`, imageTags: ['v1'], ...times, ...(status ? { imageScanStatus: { status } } : {}), ...(findings ? { imageScanFindingsSummary: findings } : {}) },
        })),
      ),
    ),
  );
  // An image index or manifest list without a scan of its own (IMAGE_INDEX), beside an image manifest.
  const MEDIA_TYPES = ['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json', 'application/vnd.oci.image.manifest.v1+json'];
  cases.push(
    ...PARAMS.flatMap((params, p) =>
      MEDIA_TYPES.flatMap((mediaType) =>
        [undefined, 'FAILED', 'COMPLETE'].map((status) => ({
          label: `params ${p}, ${mediaType}, ${status ?? 'never scanned'}`,
          params,
          image: { imageDigest: `sha256:${'9'.repeat(64)}`, imageTags: ['v1'], imagePushedAt: ago(3), imageManifestMediaType: mediaType, ...(status ? { imageScanStatus: { status } } : {}) },
        })),
      ),
    ),
  );
  const program = [
    'import json, sys',
    'from scan_images import image_problems, epoch',
    'data = json.load(sys.stdin)',
    'now = epoch(data["now"])',
    'print(json.dumps([image_problems([c["image"]], c["params"], now) for c in data["cases"]]))',
  ].join('\n');
  const run = spawnSync('python3', ['-c', program], { input: JSON.stringify({ now: NOW, cases }), encoding: 'utf8', env: { ...process.env, PYTHONPATH: SCRIPTS, PYTHONDONTWRITEBYTECODE: '1' } });
  const answers = run.status === 0 ? (JSON.parse(run.stdout) as string[][]) : [];

  it('runs the Python checks', () => {
    expect(run.stderr).toBe('');
    expect(answers).toHaveLength(cases.length);
  });

  it.each(cases.map((c, i) => [c.label, i] as const))('%s', (_label, i) => {
    const { params, image } = cases[i]!;
    const [evaluation] = evaluate({ registry: { scanType: 'BASIC', rules: [] }, repositories: [{ repositoryName: 'team/app', tags: {}, scanning: { scanFrequency: 'SCAN_ON_PUSH', appliedScanFilters: ['*'] }, images: [image] }] }, params, new Date(NOW));
    expect(answers[i]!.length === 0 ? 'COMPLIANT' : 'NON_COMPLIANT', answers[i]!.join('; ')).toBe(evaluation!.complianceType);
  });
});
