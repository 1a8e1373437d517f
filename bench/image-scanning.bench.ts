/**
 * Benchmark: ecr-image-scanning on a synthetic ENHANCED registry of 5,000 repositories and
 * 1,000,000 images, against a naive per-image baseline, in one run.
 *
 *   npx tsx bench/image-scanning.bench.ts            (npm run bench runs it with the others)
 *
 * How: the real collector runs against SDK clients mocked in-process (aws-sdk-client-mock);
 * DescribeImages and ListFindings pages are generated lazily from (repository, index), so the
 * registry is never held (the mocks' call history is dropped as calls are answered). Each contender runs in its own process so its peak memory is its
 * own. What is measured: calls per API, wall and CPU time of the collection + evaluation, peak
 * heap and RSS. What is modelled: the time the calls take against AWS, from the call counts
 * and the throttle rates (ECR documents no rate for DescribeImages, BatchGetRepositoryScanning-
 * Configuration or ListTagsForResource, and Inspector none for ListFindings: we assume 20/s
 * per API as the stale-images bench does, with 75 ms per call and the collector's concurrency).
 *
 * The naive baseline (one BatchGetRepositoryScanningConfiguration per repository, one
 * DescribeImages page of 100 at a time, and one ListFindings per image filtered by its
 * digest) is executed for 250 repositories (5%) and its counts extrapolated linearly; its
 * per-image listing makes 1,000,000 Inspector calls at full scale, which we do not wait for.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-3';
const NOW = new Date('2026-11-20T09:00:00Z');
const DAY = 86_400_000;
const RATE_PER_S = 20;
const LATENCY_MS = 75;
const LAMBDA_BUDGET_S = 15 * 60;

/** 80% of repositories hold 50 images, 15% hold 400, 5% hold 2,000 (5,000 repos: 1,000,000). */
function imageCount(repo: number, total: number): number {
  const bucket = repo % 20;
  return Math.round((bucket === 0 ? 2000 : bucket <= 3 ? 400 : 50) * (total / 1_000_000));
}
const repoName = (i: number) => `team-${String(i % 50).padStart(2, '0')}/service-${String(i).padStart(5, '0')}`;
const repoIndex = (name: string) => Number(name.split('-').pop());
const digest = (repo: number, j: number) => `sha256:${(repo.toString(16).padStart(8, '0') + j.toString(16).padStart(8, '0')).repeat(4)}`;
/** 1 image in 100 has an old critical finding (two findings each). */
const vulnerable = (j: number) => j % 100 === 7;

interface Result {
  calls: Record<string, number>;
  evaluated: number;
  nonCompliant: number;
  wallMs: number;
  cpuMs: number;
  peakHeapMb: number;
  peakRssMb: number;
}

async function contender(kind: 'ours' | 'naive', repositories: number, images: number): Promise<Result> {
  const ecrModule = await import('@aws-sdk/client-ecr');
  const inspectorModule = await import('@aws-sdk/client-inspector2');
  const { mockClient } = await import('aws-sdk-client-mock');
  const { ECRClient } = ecrModule;
  const ecr = mockClient(ECRClient);
  const inspector = mockClient(inspectorModule.Inspector2Client);
  const calls: Record<string, number> = {};
  // The mocks' call history (sinon) keeps every response: drop it as we go, or the mock, not
  // the collector, would hold the whole registry.
  // (sinon refuses a reset from inside a fake, so a timer does it between calls).
  const forget = setInterval(() => {
    ecr.resetHistory();
    inspector.resetHistory();
  }, 5);
  const count = (name: string) => (calls[name] = (calls[name] ?? 0) + 1);
  // Answers after a turn of the event loop (as a network call would), which lets the timer run.
  const later =
    <I, O>(fake: (input: I) => O) =>
    (input: I): Promise<O> =>
      new Promise((resolve) => setImmediate(() => resolve(fake(input))));

  ecr.on(ecrModule.DescribeRepositoriesCommand).callsFake(later((input: { nextToken?: string; maxResults?: number }) => {
    count('ecr:DescribeRepositories');
    const start = Number(input.nextToken ?? 0);
    const end = Math.min(repositories, start + (input.maxResults ?? 100));
    const list = [];
    for (let i = start; i < end; i++) list.push({ repositoryName: repoName(i), repositoryArn: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${repoName(i)}`, registryId: ACCOUNT });
    return { repositories: list, ...(end < repositories ? { nextToken: String(end) } : {}) };
  }));
  ecr.on(ecrModule.ListTagsForResourceCommand).callsFake(later(() => (count('ecr:ListTagsForResource'), { tags: [{ Key: 'team', Value: 'x' }] })));
  ecr.on(ecrModule.GetRegistryScanningConfigurationCommand).callsFake(later(() => {
    count('ecr:GetRegistryScanningConfiguration');
    return { registryId: ACCOUNT, scanningConfiguration: { scanType: 'ENHANCED', rules: [{ scanFrequency: 'CONTINUOUS_SCAN', repositoryFilters: [{ filter: '*', filterType: 'WILDCARD' }] }] } };
  }));
  ecr.on(ecrModule.BatchGetRepositoryScanningConfigurationCommand).callsFake(later((input: { repositoryNames: string[] }) => {
    count('ecr:BatchGetRepositoryScanningConfiguration');
    return { scanningConfigurations: input.repositoryNames.map((repositoryName) => ({ repositoryName, scanOnPush: false, scanFrequency: 'CONTINUOUS_SCAN', appliedScanFilters: [{ filter: '*', filterType: 'WILDCARD' }] })), failures: [] };
  }));
  ecr.on(ecrModule.DescribeImagesCommand).callsFake(later((input: { repositoryName: string; nextToken?: string; maxResults?: number }) => {
    count('ecr:DescribeImages');
    const repo = repoIndex(input.repositoryName);
    const total = imageCount(repo, images);
    const start = Number(input.nextToken ?? 0);
    const end = Math.min(total, start + (input.maxResults ?? 100));
    const imageDetails = [];
    for (let j = start; j < end; j++) {
      imageDetails.push({
        registryId: ACCOUNT,
        repositoryName: input.repositoryName,
        imageDigest: digest(repo, j),
        ...(j % 10 < 7 ? { imageTags: [`v${j}`] } : {}),
        imagePushedAt: new Date(NOW.getTime() - ((repo * 7 + j * 13) % 400) * DAY),
        ...(j % 3 === 0 ? { lastRecordedPullTime: new Date(NOW.getTime() - ((j * 17) % 60) * DAY) } : {}),
        imageScanStatus: { status: j % 500 === 3 ? 'FAILED' : 'ACTIVE' },
        imageScanFindingsSummary: { findingSeverityCounts: vulnerable(j) ? { CRITICAL: 2 } : {} },
      });
    }
    return { imageDetails, ...(end < total ? { nextToken: String(end) } : {}) };
  }));
  inspector.on(inspectorModule.BatchGetAccountStatusCommand).callsFake(later(() => {
    count('inspector2:BatchGetAccountStatus');
    const state = { status: 'ENABLED', errorCode: 'ALREADY_ENABLED', errorMessage: '' };
    return { accounts: [{ accountId: ACCOUNT, state, resourceState: { ec2: state, ecr: state } }] };
  }));
  // The account-wide filtered listing: every old critical finding, 100 per page, generated lazily.
  const findingsOf = (repo: number) => Array.from({ length: imageCount(repo, images) }, (_, j) => j).filter(vulnerable);
  const finding = (repo: number, j: number, k: number) => ({
    findingArn: `arn:aws:inspector2:${REGION}:${ACCOUNT}:finding/${repo}-${j}-${k}`,
    awsAccountId: ACCOUNT,
    severity: 'CRITICAL',
    status: 'ACTIVE',
    firstObservedAt: new Date(NOW.getTime() - 45 * DAY),
    resources: [{ type: 'AWS_ECR_CONTAINER_IMAGE', id: `${repo}/${j}`, details: { awsEcrContainerImage: { repositoryName: repoName(repo), imageHash: digest(repo, j), registry: ACCOUNT } } }],
  });
  inspector.on(inspectorModule.ListFindingsCommand).callsFake(later((input: { nextToken?: string; maxResults?: number; filterCriteria?: { ecrImageHash?: Array<{ value: string }> } }) => {
    count('inspector2:ListFindings');
    const hash = input.filterCriteria?.ecrImageHash?.[0]?.value;
    if (hash) {
      // Naive: one image's findings.
      const repo = parseInt(hash.slice(7, 15), 16);
      const j = parseInt(hash.slice(15, 23), 16);
      return { findings: vulnerable(j) ? [finding(repo, j, 0), finding(repo, j, 1)] : [] };
    }
    const [repoStart, offset] = (input.nextToken ?? '0:0').split(':').map(Number) as [number, number];
    const page = [];
    let repo = repoStart;
    let skip = offset;
    while (repo < repositories && page.length < (input.maxResults ?? 100)) {
      const list = findingsOf(repo).flatMap((j) => [finding(repo, j, 0), finding(repo, j, 1)]);
      const take = list.slice(skip, skip + ((input.maxResults ?? 100) - page.length));
      page.push(...take);
      skip += take.length;
      if (skip >= list.length) {
        repo++;
        skip = 0;
      }
    }
    return { findings: page, ...(repo < repositories ? { nextToken: `${repo}:${skip}` } : {}) };
  }));

  const { ClientFactory } = await import('../rules/kernel/clients.js');
  const { createCollectContext } = await import('../rules/kernel/context.js');
  const { silentLogger } = await import('../rules/kernel/logger.js');
  const { defaultRuleParameters } = await import('../rules/kernel/parameters.js');
  const { rule } = await import('../rules/ecr-image-scanning/rule.js');
  const params = defaultRuleParameters<import('../rules/ecr-image-scanning/evaluate.js').ImageScanningParams>(rule.id, rule.parameters);
  const ctx = createCollectContext({ accountId: ACCOUNT, region: REGION, partition: 'aws', clients: new ClientFactory(REGION) }, params, { now: NOW, logger: silentLogger });

  let peakHeap = 0;
  const sample = () => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed));
  const timer = setInterval(sample, 20);
  const started = performance.now();
  let evaluations;
  if (kind === 'ours') {
    evaluations = rule.evaluate(await rule.collector.collectAll(ctx), params, NOW);
  } else {
    evaluations = await naive(ctx, ecrModule, inspectorModule, params);
  }
  const wallMs = performance.now() - started;
  clearInterval(timer);
  clearInterval(forget);
  sample();
  const cpu = process.cpuUsage();
  return {
    calls,
    evaluated: evaluations.length,
    nonCompliant: evaluations.filter((e) => e.complianceType === 'NON_COMPLIANT').length,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    peakHeapMb: peakHeap / 2 ** 20,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

/** The obvious loop: per repository, per image, everything in memory. */
async function naive(ctx: any, ecrModule: any, inspectorModule: any, params: any) {
  const { listRepositories } = await import('../rules/common/ecr-repositories.js');
  const { evaluate } = await import('../rules/ecr-image-scanning/evaluate.js');
  const ecr = ctx.clients.get(ecrModule.ECRClient);
  const inspector = ctx.clients.get(inspectorModule.Inspector2Client);
  const registry = (await ecr.send(new ecrModule.GetRegistryScanningConfigurationCommand({}))).scanningConfiguration;
  const status = (await inspector.send(new inspectorModule.BatchGetAccountStatusCommand({ accountIds: [ACCOUNT] }))).accounts[0].resourceState.ecr.status;
  const repositories = [];
  for (const repository of await listRepositories(ctx)) {
    const scanning = (await ecr.send(new ecrModule.BatchGetRepositoryScanningConfigurationCommand({ repositoryNames: [repository.repositoryName] }))).scanningConfigurations[0];
    const images = [];
    let nextToken: string | undefined;
    do {
      const page = await ecr.send(new ecrModule.DescribeImagesCommand({ repositoryName: repository.repositoryName, ...(nextToken ? { nextToken } : {}) }));
      for (const image of page.imageDetails) {
        const found = await inspector.send(new inspectorModule.ListFindingsCommand({ filterCriteria: { ecrImageHash: [{ comparison: 'EQUALS', value: image.imageDigest }] } }));
        images.push({
          imageDigest: image.imageDigest,
          imageTags: image.imageTags,
          imagePushedAt: image.imagePushedAt.toISOString(),
          ...(image.lastRecordedPullTime ? { lastRecordedPullTime: image.lastRecordedPullTime.toISOString() } : {}),
          imageScanStatus: image.imageScanStatus,
          inspectorFindings: found.findings.map((f: any) => ({ severity: f.severity, firstObservedAt: f.firstObservedAt.toISOString() })),
        });
      }
      nextToken = page.nextToken;
    } while (nextToken);
    repositories.push({ repositoryName: repository.repositoryName, tags: repository.tags, scanning: { scanFrequency: scanning.scanFrequency, appliedScanFilters: [] }, images });
  }
  const facts = { registry: { scanType: registry.scanType, rules: [] }, inspectorEcrStatus: status, repositories };
  return evaluate(facts, params, NOW);
}

// --- orchestration ------------------------------------------------------------------------------
const self = fileURLToPath(import.meta.url);

function run(kind: 'ours' | 'naive', repositories: number, images: number): Result {
  const child = spawnSync(process.execPath, [...process.execArgv, self, 'run', kind, String(repositories), String(images)], { encoding: 'utf8', maxBuffer: 2 ** 24 });
  const line = child.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`${kind} ${repositories} ${images} failed: ${child.stderr}`);
  return JSON.parse(line.slice(7)) as Result;
}

const total = (result: Result) => Object.values(result.calls).reduce((a, b) => a + b, 0);
/** Seconds the calls take against AWS at RATE_PER_S per API, phases one after the other; at most `concurrency` calls in flight. */
function modelSeconds(calls: Record<string, number>, concurrency: number): number {
  return Object.values(calls).reduce((sum, n) => sum + Math.max(n / RATE_PER_S, (n * LATENCY_MS) / 1000 / concurrency), 0);
}

function main(): void {
  const R = 5000;
  const I = 1_000_000;
  const ours = run('ours', R, I);
  const ours200k = run('ours', R, 200_000);
  const sampleRepos = 250;
  const naiveSample = run('naive', sampleRepos, I);
  const factor = R / sampleRepos;
  const naiveCalls = Object.fromEntries(Object.entries(naiveSample.calls).map(([k, v]) => [k, k === 'ecr:GetRegistryScanningConfiguration' || k === 'inspector2:BatchGetAccountStatus' ? v : Math.round(v * factor)]));
  const pages = Array.from({ length: R }, (_, i) => Math.max(1, Math.ceil(imageCount(i, I) / 1000))).reduce((a, b) => a + b, 0);
  const findings = Array.from({ length: R }, (_, i) => 2 * Math.ceil(imageCount(i, I) / 100)).reduce((a, b) => a + b, 0);
  const lowerBound = Math.ceil(R / 1000) + R + 1 + Math.ceil(R / 25) + 1 + Math.ceil(findings / 100) + pages;
  const apis = [...new Set([...Object.keys(ours.calls), ...Object.keys(naiveCalls)])].sort();
  const row = (name: string, a: string, b: string) => `| ${name} | ${a} | ${b} |`;
  console.log(`## ecr-image-scanning: ${R.toLocaleString('en')} repositories, ${I.toLocaleString('en')} images, ENHANCED, ${findings.toLocaleString('en')} old critical findings\n`);
  console.log('| | ours (8 concurrent, 25 names/batch, 1000 images/page, one filtered ListFindings) | naive (per repository, per image; 5% run, ×20) |');
  console.log('|---|---:|---:|');
  for (const api of apis) console.log(row(api, String(ours.calls[api] ?? 0), String(naiveCalls[api] ?? 0)));
  console.log(row('**all calls**', `**${total(ours)}**`, `**${Object.values(naiveCalls).reduce((a, b) => a + b, 0)}**`));
  console.log(row('lower bound ⌈R/1000⌉ + R + 1 + ⌈R/25⌉ + 1 + ⌈F/100⌉ + Σ⌈n_i/1000⌉', String(lowerBound), ''));
  console.log(row(`time against AWS at ${RATE_PER_S}/s per API, ${LATENCY_MS} ms per call (model)`, `${(modelSeconds(ours.calls, 8) / 60).toFixed(1)} min`, `${(modelSeconds(naiveCalls, 1) / 60).toFixed(0)} min`));
  console.log(row(`fits one ${LAMBDA_BUDGET_S / 60}-minute Lambda run`, modelSeconds(ours.calls, 8) < LAMBDA_BUDGET_S ? 'yes' : 'NO', modelSeconds(naiveCalls, 1) < LAMBDA_BUDGET_S ? 'yes' : 'no'));
  console.log(row('collect + evaluate, in process (mocked SDK)', `${(ours.wallMs / 1000).toFixed(1)} s wall, ${(ours.cpuMs / 1000).toFixed(1)} s CPU`, `${((naiveSample.wallMs * factor) / 1000).toFixed(0)} s wall (extrapolated)`));
  console.log(row('peak heap / RSS, 1M images (target < 256 MB)', `${ours.peakHeapMb.toFixed(0)} MB / ${ours.peakRssMb.toFixed(0)} MB`, `${naiveSample.peakHeapMb.toFixed(0)} MB / ${naiveSample.peakRssMb.toFixed(0)} MB for 5% of the images`));
  console.log(row('peak heap / RSS, 200k images (flat in image count)', `${ours200k.peakHeapMb.toFixed(0)} MB / ${ours200k.peakRssMb.toFixed(0)} MB`, ''));
  console.log(row('repositories evaluated / NON_COMPLIANT', `${ours.evaluated} / ${ours.nonCompliant}`, `${naiveSample.evaluated} / ${naiveSample.nonCompliant} (sample)`));
  const ok = total(ours) === lowerBound && ours.peakRssMb < 256 && modelSeconds(ours.calls, 8) < LAMBDA_BUDGET_S;
  console.log(`\nCalls at the lower bound: ${total(ours) === lowerBound ? 'yes' : 'NO'}. ${ok ? 'All targets met.' : 'A target was missed.'}`);
  if (!ok) process.exitCode = 1;
}

const [role, ...args] = process.argv.slice(2);
if (role === 'run') {
  const result = await contender(args[0] as 'ours' | 'naive', Number(args[1]), Number(args[2]));
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
} else main();
