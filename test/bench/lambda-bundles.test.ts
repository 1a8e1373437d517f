/**
 * `npm run bench` measures each Lambda as deployed (issue 17 item 8): the bench builds with
 * the esbuild options the CDK app passes (infra/bundling.ts), so its sizes and load times are
 * the shipped ones, and it covers every Lambda of the app.
 */
import { describe, expect, it } from 'vitest';
import { bundleHandler, lambdaHandlers, loadTimeMs } from '../../bench/lambda-bundles.js';
import { bundlingOptions, DETECTION_HANDLER_ENTRY, esbuildOptions, ruleHandlerEntry } from '../../infra/bundling.js';
import { RULES } from '../../rules/index.js';

describe('Lambda bundle bench', () => {
  it('builds with the options CDK bundles with', () => {
    const cdk = bundlingOptions(false);
    expect(esbuildOptions(false)).toEqual({
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: cdk.target,
      mainFields: cdk.mainFields,
      banner: { js: cdk.banner },
      external: [],
      minify: true,
      sourcemap: false,
    });
    expect(esbuildOptions(true).sourcemap).toBe(true);
  });

  it('covers every rule Lambda and the detection Lambda, at the entries the stacks use', () => {
    expect(lambdaHandlers()).toEqual([...RULES.map((r) => ({ name: r.id, entry: ruleHandlerEntry(r.id) })), { name: 'detections', entry: DETECTION_HANDLER_ENTRY }]);
  });

  it('reports the bundle size and a load time of a bundle that exports the handler; the baseline carries its source map', { timeout: 60_000 }, async () => {
    const handler = lambdaHandlers().find((h) => h.name === 'ecr-tag-immutability')!;
    const ours = await bundleHandler(handler, false);
    expect(ours.bytes).toBeGreaterThan(100_000);
    expect(ours.mapBytes).toBe(0);
    const ms = loadTimeMs(ours.file);
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThan(10_000);
    const baseline = await bundleHandler(handler, true);
    expect(baseline.mapBytes).toBeGreaterThan(ours.bytes);
    expect(loadTimeMs(baseline.file, { enableSourceMaps: true })).toBeGreaterThan(0);
  });
});
