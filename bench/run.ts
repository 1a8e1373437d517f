/**
 * `npm run bench`: runs every bench/*.bench.ts in its own Node process (so peak-memory
 * figures do not bleed between benchmarks) and prints their reports one after the other.
 * Each benchmark compares our implementation with a naive baseline in the same run and
 * reports ratios; absolute times depend on the machine, printed first.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => only.length === 0 || only.some((name) => file.includes(name)))
  .sort();

const cpu = cpus();
console.log(`# ecr-guardrails benchmarks\n`);
console.log(`Machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}. Figures are for this machine; compare the ratios.\n`);
if (files.length === 0) {
  console.log('No benchmarks found (bench/*.bench.ts).');
  process.exit(1);
}
let failed = 0;
for (const file of files) {
  console.log(`## ${file}\n`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', join(here, file)], {
    stdio: 'inherit',
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'SILENT' },
  });
  if (result.status !== 0) {
    failed++;
    console.log(`\n${file} failed (exit ${result.status ?? result.signal}).`);
  }
  console.log('');
}
process.exit(failed ? 1 : 0);
