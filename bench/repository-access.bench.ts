/**
 * Benchmark: the cost of judging one repository policy (policyRisk, the IAM simulation of
 * ecr-repository-access) as policies grow from 1 KB to ECR's limit of 10,240 characters
 * (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_SetRepositoryPolicy.html),
 * for three shapes that stress different parts:
 * - one statement whose Principal list holds ever more accounts (accounts grouped into one class),
 * - ever more statements, each granting a different outside account (one class, and one
 *   finding, per statement; the question asked for each is the same, question-cache.ts),
 * - ever more statements, each public under its own aws:SourceIp condition (merged, merge.ts).
 * Baseline, side by side in the same run: the same policies judged `exhaustive` (every question
 * simulated against the whole policy, no shortcut), and the smallest policy of each shape.
 * Flat means: the simulations per policy and the statements they read stay the same from 1 KB to
 * the limit, and the time per policy at the limit stays within a small factor of the 1 KB one
 * (what remains is reading the text and writing one finding per named account).
 *
 *   npx tsx bench/repository-access.bench.ts       (npm run bench runs it with the others)
 */
import { policyRisk, type AccessContext, type SimulationStats } from '../rules/ecr-repository-access/policy-risk.js';

const LIMIT = 10_240;
const SIZES = [1_024, 2_560, 5_120, LIMIT];
/** Runs per policy, best kept (a single run of a millisecond is at the mercy of a GC pause); the exhaustive baseline, slower, runs fewer. */
const RUNS = 25;
const EXHAUSTIVE_RUNS = 3;
const CONTEXT: AccessContext = { repositoryArn: 'arn:aws:ecr:eu-west-3:111122223333:repository/app', accountId: '111122223333', organizationId: 'o-a1b2c3d4e5', trustedAccounts: [], allowedPullAccounts: [] };
const PULL = ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'];

/** The largest policy of the shape within `limit` characters, and how many units it holds. */
function grow(limit: number, make: (n: number) => unknown[]): { text: string; units: number } {
  let best = { text: '', units: 0 };
  for (let n = 1; ; n++) {
    const text = JSON.stringify({ Version: '2012-10-17', Statement: make(n) });
    if (text.length > limit) return best;
    best = { text, units: n };
  }
}

const account = (i: number) => String(400_000_000_000 + i);
const SHAPES: Record<string, (n: number) => unknown[]> = {
  'Principal list': (n) => [{ Sid: 'VendorPull', Effect: 'Allow', Principal: { AWS: Array.from({ length: n }, (_, i) => account(i)) }, Action: PULL }],
  'one statement per account': (n) => Array.from({ length: n }, (_, i) => ({ Sid: `S${i}`, Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account(i)}:root` }, Action: PULL })),
  'public, conditioned statements': (n) =>
    Array.from({ length: n }, (_, i) => ({ Sid: `Ip${i}`, Effect: 'Allow', Principal: '*', Action: PULL, Condition: { IpAddress: { 'aws:SourceIp': `198.51.${i % 256}.0/24` } } })),
};

interface Measure {
  ms: number;
  grants: number;
  stats: SimulationStats;
}

async function measure(text: string, exhaustive: boolean): Promise<Measure> {
  let best = Number.POSITIVE_INFINITY;
  let grants = 0;
  const stats: SimulationStats = { simulations: 0, statementsSimulated: 0 };
  for (let run = 0; run < (exhaustive ? EXHAUSTIVE_RUNS : RUNS); run++) {
    stats.simulations = 0;
    stats.statementsSimulated = 0;
    const start = performance.now();
    grants = (await policyRisk(text, CONTEXT, [], { exhaustive, stats })).grants.length;
    best = Math.min(best, performance.now() - start);
  }
  return { ms: best, grants, stats };
}

// Warm up: the simulator loads its IAM action data once per process.
await policyRisk(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'ecr:BatchGetImage' }] }), CONTEXT);

console.log(`Best of ${RUNS} runs per policy (exhaustive: ${EXHAUSTIVE_RUNS}). "vs 1 KB": time / time of the 1 KB policy of the same shape. "exhaustive": the same policy without the shortcuts (merge, scope, question cache, implicit deny); "speed-up": exhaustive time / time.\n`);
console.log('| shape | size (chars) | units | grants | simulations | statements simulated | ms per policy | vs 1 KB | exhaustive: simulations | exhaustive: ms | speed-up |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
const worst = { ratio: 0, simulations: 0 };
for (const [shape, make] of Object.entries(SHAPES)) {
  let baseline: Measure | undefined;
  for (const size of SIZES) {
    const { text, units } = grow(size, make);
    const ours = await measure(text, false);
    const naive = await measure(text, true);
    if (naive.grants !== ours.grants) throw new Error(`${shape} at ${text.length} characters: ${ours.grants} grants, exhaustive ${naive.grants}`);
    baseline ??= ours;
    const ratio = ours.ms / baseline.ms;
    worst.ratio = Math.max(worst.ratio, ratio);
    worst.simulations = Math.max(worst.simulations, ours.stats.statementsSimulated / baseline.stats.statementsSimulated);
    console.log(
      `| ${shape} | ${text.length} | ${units} | ${ours.grants} | ${ours.stats.simulations} | ${ours.stats.statementsSimulated} | ${ours.ms.toFixed(2)} | ${ratio.toFixed(2)} | ${naive.stats.simulations} | ${naive.ms.toFixed(1)} | ${(naive.ms / ours.ms).toFixed(0)}x |`,
    );
  }
}
console.log(`\nAt the limit: time per policy at most ${worst.ratio.toFixed(2)}x the 1 KB policy of its shape; statements simulated at most ${worst.simulations.toFixed(2)}x.`);
