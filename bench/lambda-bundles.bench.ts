/**
 * Lambda bundles: each handler's bundle size and module-load time (median of 7 cold loads in
 * a fresh Node process), built with the app's esbuild settings (infra/bundling.ts), side by
 * side with the baseline measured in the same run: the same handler as it shipped before
 * issue 17 item 8, with its source map and `--enable-source-maps`. Target (issue 17): under
 * 150 ms per handler. Exits 1 when a handler misses it.
 *
 *   npx tsx bench/lambda-bundles.bench.ts     (npm run bench runs it with the others)
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleHandler, lambdaHandlers, medianLoadTimeMs } from './lambda-bundles.js';

const RUNS = 7;
const TARGET_MS = 150;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

// The floor, in the same run: importing an empty module (what the machine's load adds to every figure).
const empty = join(tmpdir(), `ecr-guardrails-empty-${process.pid}.mjs`);
writeFileSync(empty, 'export const handler = async () => undefined;\n');
const floorMs = medianLoadTimeMs(empty, RUNS);
console.log(`Load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores; importing an empty module takes ${floorMs.toFixed(0)} ms here (the floor).\n`);
console.log(`Each handler bundled as deployed; load = fresh \`node\` importing the bundle, median of ${RUNS}. Baseline: the same bundle with its source map, loaded with --enable-source-maps (as shipped before).\n`);
console.log('| handler | bundle | load | target | met | baseline bundle + map | baseline load | load ratio |');
console.log('|---|---:|---:|---:|:-:|---:|---:|---:|');
let missed = 0;
for (const handler of lambdaHandlers()) {
  const ours = await bundleHandler(handler, false);
  const baseline = await bundleHandler(handler, true);
  const oursMs = medianLoadTimeMs(ours.file, RUNS);
  const baselineMs = medianLoadTimeMs(baseline.file, RUNS, { enableSourceMaps: true });
  const met = oursMs < TARGET_MS;
  if (!met) missed++;
  console.log(
    `| \`${handler.name}\` | ${kb(ours.bytes)} | ${oursMs.toFixed(0)} ms | < ${TARGET_MS} ms | ${met ? 'yes' : 'NO'} | ${kb(baseline.bytes)} + ${kb(baseline.mapBytes)} | ${baselineMs.toFixed(0)} ms | ${(baselineMs / oursMs).toFixed(1)}x |`,
  );
}
process.exit(missed ? 1 : 0);
