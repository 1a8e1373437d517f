/**
 * CLI start-up: whole-process wall time and peak RSS of `ecr-guardrails` commands, each the
 * median of 5 runs, against `node -e 1` measured in the same run (node's own start is the
 * floor no CLI can beat). Targets (issue: "a command-line tool people run in loops and CI
 * should feel instant"):
 * - `--version`, `--help`: at most node's start + 60 ms;
 * - `scan --demo`: at most node's start + 250 ms and peak RSS under 100 MB.
 * Runs the built `dist/` (npm run build first). Exits 1 when a target is missed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The build to measure (default: this checkout's dist/); point it at another build to compare versions. */
const BINARY = process.env.ECR_GUARDRAILS_CLI ?? fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const RUNS = 5;

interface Sample {
  ms: number;
  rssMb: number;
}

/** One run under GNU time-like measurement: wall time here, peak RSS from the child's resource usage. */
function measure(args: string[]): Sample {
  const start = process.hrtime.bigint();
  const result = spawnSync('/usr/bin/env', ['time', '-f', '%M', process.execPath, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const rssKb = Number(result.stderr.trim().split('\n').at(-1));
  if (!Number.isFinite(rssKb)) throw new Error(`cannot read peak RSS for ${args.join(' ')}: ${result.stderr}`);
  return { ms, rssMb: rssKb / 1024 };
}

function median(samples: Sample[]): Sample {
  const by = (key: keyof Sample) => [...samples].sort((a, b) => a[key] - b[key])[Math.floor(samples.length / 2)]![key];
  return { ms: by('ms'), rssMb: by('rssMb') };
}

function run(args: string[]): Sample {
  measure(args); // warm the file cache
  return median(Array.from({ length: RUNS }, () => measure(args)));
}

if (!existsSync(BINARY)) {
  console.error(`${BINARY} is missing: run npm run build first.`);
  process.exit(1);
}
if (spawnSync('/usr/bin/env', ['time', '-f', '%M', 'true']).status !== 0) {
  console.error('GNU time is needed for peak RSS (Debian package `time`).');
  process.exit(1);
}

const node = run(['-e', '1']);
const cases: Array<{ name: string; args: string[]; overheadMs: number; rssMb?: number }> = [
  { name: '--version', args: [BINARY, '--version'], overheadMs: 60 },
  { name: '--help', args: [BINARY, '--help'], overheadMs: 60 },
  { name: 'scan --demo', args: [BINARY, 'scan', '--demo'], overheadMs: 250, rssMb: 100 },
  { name: 'scan --demo --format json', args: [BINARY, 'scan', '--demo', '--format', 'json'], overheadMs: 250, rssMb: 100 },
];

console.log(`Median of ${RUNS} runs per command (whole process). node -e 1: ${node.ms.toFixed(0)} ms, ${node.rssMb.toFixed(0)} MB.\n`);
console.log('| command | wall time | over node | target | ratio to node | peak RSS | target | met |');
console.log('|---|---:|---:|---:|---:|---:|---:|:-:|');
let missed = 0;
for (const c of cases) {
  const sample = run(c.args);
  const over = sample.ms - node.ms;
  const met = over <= c.overheadMs && (c.rssMb === undefined || sample.rssMb < c.rssMb);
  if (!met) missed++;
  console.log(
    `| \`${c.name}\` | ${sample.ms.toFixed(0)} ms | +${over.toFixed(0)} ms | +${c.overheadMs} ms | ${(sample.ms / node.ms).toFixed(1)}x | ${sample.rssMb.toFixed(0)} MB | ${c.rssMb ? `< ${c.rssMb} MB` : '-'} | ${met ? 'yes' : 'NO'} |`,
  );
}
process.exit(missed ? 1 : 0);
