/**
 * Benchmark: the cost of judging one repository policy (policyRisk, the IAM simulation of
 * ecr-repository-access) as policies grow from 1 KB to ECR's limit of 10,240 characters
 * (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_SetRepositoryPolicy.html),
 * for three shapes that stress different parts:
 * - one statement whose Principal list holds ever more accounts (accounts grouped into one class),
 * - ever more statements, each granting a different outside account (one class per statement,
 *   each simulated against the statements that can apply to it),
 * - ever more statements, each public under an aws:SourceIp condition (the full policy simulated).
 * Baseline in the same run: the smallest policy of each shape. A flat cost means the ratio to
 * it stays near 1 (list) or grows no faster than the number of named principals (statements).
 *
 *   npx tsx bench/repository-access.bench.ts       (npm run bench runs it with the others)
 */
import { policyRisk, type AccessContext } from '../rules/ecr-repository-access/policy-risk.js';

const LIMIT = 10_240;
const SIZES = [1_024, 2_560, 5_120, LIMIT];
const RUNS = 3;
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

async function timeMs(text: string): Promise<{ ms: number; grants: number }> {
  let best = Number.POSITIVE_INFINITY;
  let grants = 0;
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    grants = (await policyRisk(text, CONTEXT)).grants.length;
    best = Math.min(best, performance.now() - start);
  }
  return { ms: best, grants };
}

// Warm up: the simulator loads its IAM action data once per process.
await policyRisk(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'ecr:BatchGetImage' }] }), CONTEXT);

console.log('Best of 3 runs per policy. Ratio: time / time of the 1 KB policy of the same shape.\n');
console.log('| shape | size (chars) | units | grants found | ms per policy | ratio to 1 KB |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const [shape, make] of Object.entries(SHAPES)) {
  let baseline = 0;
  for (const size of SIZES) {
    const { text, units } = grow(size, make);
    const { ms, grants } = await timeMs(text);
    if (size === SIZES[0]) baseline = ms;
    console.log(`| ${shape} | ${text.length} | ${units} | ${grants} | ${ms.toFixed(1)} | ${(ms / baseline).toFixed(2)} |`);
  }
}
