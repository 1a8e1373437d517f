/**
 * Benchmark: ecr-stale-images on a synthetic registry of 5,000 repositories and 1,000,000
 * images, against a naive baseline (sequential, DescribeImages' default page of 100, every
 * image kept in memory), side by side in one run.
 *
 *   npx tsx bench/stale-images.bench.ts            (npm run bench runs it with the others)
 *
 * How: a fake ECR + Config endpoint (a local HTTP server in its own process) answers the real
 * SDK clients (AWS_ENDPOINT_URL), so serialisation, the adaptive retry mode's client-side rate
 * limiting and its backoff all run for real. Each operation has a fixed latency and a token
 * bucket; above the rate it answers 400 ThrottlingException. Images are generated lazily per
 * page from (repository, index), so neither side holds the registry. Each contender runs in
 * its own process, so its peak memory is its own: ours goes through the real Lambda handler
 * (collect, evaluate, PutEvaluations, cleanup); the baseline is the straightforward loop.
 *
 * Scale: real ECR answers in tens of milliseconds and throttles a few tens of calls per second
 * per API (ECR publishes no DescribeImages quota; we assume 20/s). Time is compressed by
 * SCALE: latency / SCALE and rate * SCALE, sizes unchanged, so the bench stays within a few
 * minutes on 2 cores. The comparison runs at x25; one more run of ours at x5 checks the
 * 15-minute target, because at x25 the uncompressible CPU time fills most of the window. Wall time x SCALE is an upper bound for the real world: CPU time (SDK
 * signing, parsing 1M images) gets multiplied too, though in reality it does not grow with
 * latency. The SDK's retry backoff (100-500 ms bases) is not compressed: throttling costs
 * relatively more here.
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

/** Time compression of this process (children get theirs from BENCH_SCALE). */
const SCALE = Number(process.env.BENCH_SCALE ?? 25);
const REAL_LATENCY_MS = 75;
const REAL_RATE_PER_S = 20;
const LATENCY_MS = REAL_LATENCY_MS / SCALE;
const RATE_PER_S = REAL_RATE_PER_S * SCALE;
const MAX_ATTEMPTS = 10;
const ACCOUNT = '111122223333';
const REGION = 'eu-west-3';
const NOW_S = Date.parse('2026-11-20T09:00:00Z') / 1000;
const LAMBDA_BUDGET_MS = 15 * 60_000;
const KERNEL_RESERVE_MS = 30_000;

// --- the synthetic registry ---------------------------------------------------------------
/** 80% of repositories hold 50 images, 15% hold 400, 5% hold 2,000 (5,000 repos: 1,000,000). */
function imageCount(repo: number, total: number): number {
  const per = total / 1_000_000;
  const bucket = repo % 20;
  return Math.round((bucket === 0 ? 2000 : bucket <= 3 ? 400 : 50) * per);
}
const repoName = (i: number) => `team-${String(i % 50).padStart(2, '0')}/service-${String(i).padStart(5, '0')}`;

function imageJson(repo: number, j: number): string {
  const hex = (repo.toString(16).padStart(8, '0') + j.toString(16).padStart(8, '0')).repeat(4);
  const ageDays = (repo * 7 + j * 13) % 400;
  const pushed = NOW_S - ageDays * 86_400 - j;
  const tagged = j % 10 < 7;
  const pulled = j % 3 === 0 ? `,"lastRecordedPullTime":${NOW_S - ((j * 17) % 200) * 86_400}` : '';
  return `{"registryId":"${ACCOUNT}","repositoryName":"${repoName(repo)}","imageDigest":"sha256:${hex}"${tagged ? `,"imageTags":["v${j}"]` : ''},"imageSizeInBytes":${50_000_000 + ((j * 7919) % 100_000_000)},"imagePushedAt":${pushed}${pulled},"imageManifestMediaType":"application/vnd.oci.image.manifest.v1+json","imageStatus":"ACTIVE"}`;
}

// --- the fake endpoint (server process) ------------------------------------------------------
interface OpStats {
  requests: number;
  throttled: number;
}

function serve(repositories: number, images: number): void {
  const stats: Record<string, OpStats> = {};
  const buckets = new Map<string, { tokens: number; at: number }>();
  const take = (op: string): boolean => {
    const now = performance.now();
    const bucket = buckets.get(op) ?? { tokens: RATE_PER_S, at: now };
    bucket.tokens = Math.min(RATE_PER_S, bucket.tokens + ((now - bucket.at) / 1000) * RATE_PER_S);
    bucket.at = now;
    buckets.set(op, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  };
  const repoIndex = (name: string) => Number(name.split('-').pop());

  function answer(op: string, body: Record<string, unknown>): { status: number; json: string } {
    switch (op) {
      case 'DescribeRepositories': {
        const start = Number(body.nextToken ?? 0);
        const size = Number(body.maxResults ?? 100);
        const end = Math.min(repositories, start + size);
        const items = [];
        for (let i = start; i < end; i++) {
          items.push(`{"repositoryArn":"arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${repoName(i)}","registryId":"${ACCOUNT}","repositoryName":"${repoName(i)}","createdAt":1700000000,"imageTagMutability":"IMMUTABLE"}`);
        }
        return { status: 200, json: `{"repositories":[${items.join(',')}]${end < repositories ? `,"nextToken":"${end}"` : ''}}` };
      }
      case 'ListTagsForResource':
        return { status: 200, json: '{"tags":[{"Key":"team","Value":"x"}]}' };
      case 'GetLifecyclePolicy': {
        const repo = repoIndex(String(body.repositoryName));
        if (repo % 4 === 0) return { status: 400, json: '{"__type":"LifecyclePolicyNotFoundException","message":"Lifecycle policy does not exist"}' };
        const text = JSON.stringify('{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"sinceImagePulled","countUnit":"days","countNumber":90},"action":{"type":"expire"}}]}');
        return { status: 200, json: `{"registryId":"${ACCOUNT}","repositoryName":"${String(body.repositoryName)}","lifecyclePolicyText":${text}}` };
      }
      case 'DescribeImages': {
        const repo = repoIndex(String(body.repositoryName));
        const count = imageCount(repo, images);
        const start = Number(body.nextToken ?? 0);
        const end = Math.min(count, start + Number(body.maxResults ?? 100));
        const parts: string[] = [];
        for (let j = start; j < end; j++) parts.push(imageJson(repo, j));
        return { status: 200, json: `{"imageDetails":[${parts.join(',')}]${end < count ? `,"nextToken":"${end}"` : ''}}` };
      }
      case 'GetComplianceDetailsByConfigRule':
        return { status: 200, json: '{"EvaluationResults":[]}' };
      case 'PutEvaluations':
        return { status: 200, json: '{"FailedEvaluations":[]}' };
      default:
        return { status: 400, json: `{"__type":"UnknownOperationException","message":"${op}"}` };
    }
  }

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    if (request.method === 'GET') {
      response.end(JSON.stringify(stats));
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const op = String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      const entry = (stats[op] ??= { requests: 0, throttled: 0 });
      entry.requests++;
      const allowed = take(op);
      if (!allowed) entry.throttled++;
      const { status, json } = allowed ? answer(op, JSON.parse(Buffer.concat(chunks).toString() || '{}')) : { status: 400, json: '{"__type":"ThrottlingException","message":"Rate exceeded"}' };
      setTimeout(() => {
        response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': String(entry.requests) });
        response.end(json);
      }, LATENCY_MS);
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.stdout.write(`PORT ${typeof address === 'object' && address ? address.port : 0}\n`);
  });
}

// --- the contenders (run process) -----------------------------------------------------------
interface RunResult {
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
  peakHeapMb: number;
  evaluated: number;
  notReached: number;
  putEvaluations: number;
}

async function runOurs(): Promise<Omit<RunResult, 'wallMs' | 'cpuMs' | 'peakRssMb' | 'peakHeapMb'>> {
  const { createConfigRuleHandler } = await import('../rules/kernel/handler.js');
  const { rule } = await import('../rules/ecr-stale-images/rule.js');
  const handler = createConfigRuleHandler(rule);
  const started = Date.now();
  const event = {
    version: '1.0',
    invokingEvent: JSON.stringify({ awsAccountId: ACCOUNT, notificationCreationTime: '2026-11-20T09:00:00.000Z', messageType: 'ScheduledNotification', recordVersion: '1.0' }),
    ruleParameters: '{}',
    resultToken: 'bench-token',
    eventLeftScope: false,
    configRuleArn: `arn:aws:config:${REGION}:${ACCOUNT}:config-rule/config-rule-bench`,
    configRuleName: 'ecr-guardrails-ecr-stale-images',
    configRuleId: 'config-rule-bench',
    accountId: ACCOUNT,
  };
  const summary = await handler(event, {
    invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:ecr-guardrails-ecr-stale-images`,
    // A 15-minute Lambda, compressed like every other time in this bench, except the kernel's
    // fixed 30 s reporting reserve (a constant, not a latency).
    getRemainingTimeInMillis: () =>
      process.env.BENCH_BUDGET === 'unbounded' ? LAMBDA_BUDGET_MS : KERNEL_RESERVE_MS + (LAMBDA_BUDGET_MS - KERNEL_RESERVE_MS) / SCALE - (Date.now() - started),
  });
  const evaluated = summary.evaluations.filter((e) => e.annotation !== 'The resource no longer exists.').length;
  return { evaluated, notReached: Number(process.env.BENCH_REPOSITORIES) - evaluated, putEvaluations: summary.putEvaluationsCalls };
}

async function runNaive(): Promise<Omit<RunResult, 'wallMs' | 'cpuMs' | 'peakRssMb' | 'peakHeapMb'>> {
  const { ECRClient, DescribeRepositoriesCommand, ListTagsForResourceCommand, DescribeImagesCommand, GetLifecyclePolicyCommand } = await import('@aws-sdk/client-ecr');
  const { ConfigServiceClient } = await import('@aws-sdk/client-config-service');
  const { putEvaluations } = await import('../rules/kernel/config-sink.js');
  const { silentLogger } = await import('../rules/kernel/logger.js');
  const { defaultRuleParameters } = await import('../rules/kernel/parameters.js');
  const { rule } = await import('../rules/ecr-stale-images/rule.js');
  const ecr = new ECRClient({ region: REGION, retryMode: 'adaptive' });
  const config = new ConfigServiceClient({ region: REGION, retryMode: 'adaptive' });
  // The obvious loop: one repository at a time, every image in memory, default page sizes.
  const repositories: Array<{ repositoryName: string; tags: Record<string, string>; lifecyclePolicyText: string | null; images: unknown[] }> = [];
  let nextToken: string | undefined;
  do {
    const page = await ecr.send(new DescribeRepositoriesCommand({ ...(nextToken ? { nextToken } : {}) }));
    for (const repository of page.repositories ?? []) {
      const tags = await ecr.send(new ListTagsForResourceCommand({ resourceArn: repository.repositoryArn }));
      const images: unknown[] = [];
      let imagesToken: string | undefined;
      do {
        const imagesPage = await ecr.send(new DescribeImagesCommand({ repositoryName: repository.repositoryName, ...(imagesToken ? { nextToken: imagesToken } : {}) }));
        for (const image of imagesPage.imageDetails ?? []) {
          images.push({
            imageDigest: image.imageDigest,
            ...(image.imageTags ? { imageTags: image.imageTags } : {}),
            imagePushedAt: image.imagePushedAt?.toISOString(),
            ...(image.lastRecordedPullTime ? { lastRecordedPullTime: image.lastRecordedPullTime.toISOString() } : {}),
            imageSizeInBytes: image.imageSizeInBytes,
            imageStatus: image.imageStatus,
          });
        }
        imagesToken = imagesPage.nextToken;
      } while (imagesToken);
      let lifecyclePolicyText: string | null = null;
      try {
        lifecyclePolicyText = (await ecr.send(new GetLifecyclePolicyCommand({ repositoryName: repository.repositoryName }))).lifecyclePolicyText ?? null;
      } catch (error) {
        if ((error as Error).name !== 'LifecyclePolicyNotFoundException') throw error;
      }
      repositories.push({ repositoryName: repository.repositoryName!, tags: Object.fromEntries((tags.tags ?? []).map((t) => [t.Key, t.Value])), lifecyclePolicyText, images });
    }
    nextToken = page.nextToken;
  } while (nextToken);
  const now = new Date(NOW_S * 1000);
  const evaluations = rule.evaluate({ repositories } as never, defaultRuleParameters(rule.id, rule.parameters), now);
  const calls = await putEvaluations(config, evaluations, { resultToken: 'bench-token', orderingTimestamp: now, logger: silentLogger });
  return { evaluated: evaluations.length, notReached: 0, putEvaluations: calls };
}

async function contender(kind: string): Promise<void> {
  let peakHeap = 0;
  const sample = () => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed));
  const timer = setInterval(sample, 50);
  const started = performance.now();
  const result = kind === 'ours' ? await runOurs() : await runNaive();
  const wallMs = performance.now() - started;
  clearInterval(timer);
  sample();
  const cpu = process.cpuUsage();
  const out: RunResult = { ...result, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, peakRssMb: process.resourceUsage().maxRSS / 1024, peakHeapMb: peakHeap / 1024 / 1024 };
  process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
}

// --- orchestration ------------------------------------------------------------------------------
const self = fileURLToPath(import.meta.url);

function child(args: string[], env: Record<string, string> = {}): { wait: Promise<string>; kill: () => void; lines: (onLine: (line: string) => void) => void } {
  const proc = spawn(process.execPath, [...process.execArgv, self, ...args], { env: { ...process.env, NODE_NO_WARNINGS: '1', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  const listeners: Array<(line: string) => void> = [];
  proc.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    const lines = output.split('\n');
    output = lines.pop() ?? '';
    for (const line of lines) for (const listener of listeners) listener(line);
  });
  const wait = new Promise<string>((resolve, reject) => {
    let result = '';
    listeners.push((line) => {
      if (line.startsWith('RESULT ')) result = line.slice(7);
    });
    proc.on('exit', (code) => (code === 0 || result ? resolve(result) : reject(new Error(`${args.join(' ')} exited with ${code}`))));
  });
  return { wait, kill: () => proc.kill(), lines: (onLine) => listeners.push(onLine) };
}

interface Measured extends RunResult {
  label: string;
  scale: number;
  stats: Record<string, OpStats>;
  lowerBound: number;
  lifecycleCalls: number;
  throttleBoundMs: number;
}

async function measure(label: string, kind: 'ours' | 'naive', repositories: number, images: number, budget: 'lambda' | 'unbounded' = 'lambda', scale = SCALE): Promise<Measured> {
  const server = child(['server', String(repositories), String(images)], { BENCH_SCALE: String(scale) });
  server.wait.catch(() => undefined); // killed at the end of the measurement
  const port = await new Promise<number>((resolve) => server.lines((line) => line.startsWith('PORT ') && resolve(Number(line.slice(5)))));
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    const raw = await child(['run', kind], {
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'AKIABENCHBENCHBENCH0',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_PROFILE: '',
      AWS_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      BENCH_REPOSITORIES: String(repositories),
      BENCH_BUDGET: budget,
      BENCH_SCALE: String(scale),
    }).wait;
    const result = JSON.parse(raw) as RunResult;
    const stats = (await (await fetch(endpoint)).json()) as Record<string, OpStats>;
    const pages = Array.from({ length: repositories }, (_, i) => Math.max(1, Math.ceil(imageCount(i, images) / 1000))).reduce((a, b) => a + b, 0);
    const listing = Math.ceil(repositories / 1000) + repositories;
    const puts = Math.ceil(repositories / 100);
    // Phases run one after the other: tags (listing), then images and policies side by side, then reports.
    const throttleBoundMs = ((repositories + Math.max(pages, repositories) + puts) / (REAL_RATE_PER_S * scale)) * 1000;
    return { label, scale, ...result, stats, lowerBound: pages + listing + puts, lifecycleCalls: repositories, throttleBoundMs };
  } finally {
    server.kill();
  }
}

function table(runs: Measured[]): string {
  const sum = (m: Measured, pick: (s: OpStats) => number) => Object.values(m.stats).reduce((a, s) => a + pick(s), 0);
  const row = (name: string, cell: (m: Measured) => string) => `| ${name} | ${runs.map(cell).join(' | ')} |`;
  const seconds = (ms: number, scale: number) => `${(ms / 1000).toFixed(1)} s (≈ ${((ms * scale) / 60_000).toFixed(1)} min real)`;
  return [
    `| | ${runs.map((m) => m.label).join(' | ')} |`,
    `|---|${runs.map(() => '---').join('|')}|`,
    row('repositories evaluated / not reached', (m) => `${m.evaluated} / ${m.notReached}`),
    row('API calls (successful)', (m) => String(sum(m, (s) => s.requests - s.throttled))),
    row('of which DescribeImages', (m) => String((m.stats.DescribeImages?.requests ?? 0) - (m.stats.DescribeImages?.throttled ?? 0))),
    row('lower bound: Σ⌈images/1000⌉ + listing + ⌈repos/100⌉ PutEvaluations', (m) => String(m.lowerBound)),
    row('+ GetLifecyclePolicy (1 per repository, no batch API)', (m) => String(m.lowerBound + m.lifecycleCalls)),
    row('throttling errors seen (each retried by the SDK)', (m) => String(sum(m, (s) => s.throttled))),
    row('time compression', (m) => `×${m.scale}: ${REAL_LATENCY_MS / m.scale} ms per call, ${REAL_RATE_PER_S * m.scale}/s per operation`),
    row('wall time (real-world estimate: × compression, an upper bound as CPU time is scaled too)', (m) => seconds(m.wallMs, m.scale)),
    row('CPU time of the evaluating process', (m) => `${(m.cpuMs / 1000).toFixed(1)} s`),
    row('bound set by the throttle rate', (m) => seconds(m.throttleBoundMs, m.scale)),
    row('peak RSS / peak heap', (m) => `${m.peakRssMb.toFixed(0)} MB / ${m.peakHeapMb.toFixed(0)} MB`),
  ].join('\n');
}

async function main(): Promise<void> {
  const runs = [
    await measure('ours (p-map 8, 1000/page, streaming), 1M images', 'ours', 5000, 1_000_000),
    await measure('ours, 200k images (memory check, no time limit)', 'ours', 5000, 200_000, 'unbounded'),
    await measure('naive (sequential, 100/page, all in memory), 1M images', 'naive', 5000, 1_000_000),
    // At ×25 the uncompressible CPU time (SDK parsing of 1M images) takes most of the compressed
    // 15-minute window. At ×5 it is a small share, as in a real Lambda: this run checks the target.
    await measure('ours, 1M images at ×5 (15-minute Lambda check)', 'ours', 5000, 1_000_000, 'lambda', 5),
  ];
  const cpu = cpus();
  console.log(`\n## ecr-stale-images: 5,000 repositories, 1,000,000 images\n`);
  console.log(table(runs));
  console.log(
    `\nFake endpoint: token bucket per operation (burst = rate); ` +
      `time compressed as each column says, from ${REAL_LATENCY_MS} ms and ${REAL_RATE_PER_S}/s. SDK retry mode adaptive, AWS_MAX_ATTEMPTS=${MAX_ATTEMPTS}. ` +
      `Lambda budget ${LAMBDA_BUDGET_MS / 60_000} min, compressed with the rest (e.g. ${((LAMBDA_BUDGET_MS - KERNEL_RESERVE_MS) / 25 / 1000).toFixed(1)} s of collection at ×25, ${((LAMBDA_BUDGET_MS - KERNEL_RESERVE_MS) / 5 / 1000).toFixed(1)} s at ×5).`,
  );
  console.log(`Machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, Node ${process.version}.`);
}

const [role, ...args] = process.argv.slice(2);
if (role === 'server') serve(Number(args[0]), Number(args[1]));
else if (role === 'run') await contender(args[0] ?? 'ours');
else await main();
