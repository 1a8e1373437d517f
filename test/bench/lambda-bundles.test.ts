/**
 * `npm run bench` measures each Lambda as deployed (issue 17 item 8): the bench builds with
 * the esbuild options the CDK app passes (infra/bundling.ts), so its sizes and load times are
 * the shipped ones, and it covers every Lambda of the app.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleHandler, lambdaHandlers, loadTimeMs } from '../../bench/lambda-bundles.js';
import { bundlingOptions, DETECTION_HANDLER_ENTRY, esbuildOptions, EXCLUDED_ACCOUNTS_HANDLER_ENTRY, PROJECT_ROOT, ruleHandlerEntry, SECURITY_HUB_HANDLER_ENTRY } from '../../infra/bundling.js';
import { RULES } from '../../rules/index.js';

/** The `entry:` expression of every `new NodejsFunction(...)` in infra/*.ts. */
function functionEntriesInInfra(): string[] {
  const dir = join(PROJECT_ROOT, 'infra');
  const entries: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const source = readFileSync(join(dir, file), 'utf8');
    const inFile = [...source.matchAll(/new NodejsFunction\(this, '[^']*', \{[\s\S]*?\bentry: ([^,\n]+),/g)].map((m) => m[1]!);
    expect(inFile.length, `${file}: every NodejsFunction names its entry`).toBe(source.match(/new NodejsFunction\(/g)?.length ?? 0);
    entries.push(...inFile);
  }
  return entries;
}

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

  it('covers every Lambda of the app (rules, detections, Security Hub, conformance pack), at the entries the stacks use', () => {
    const entries = lambdaHandlers().map((h) => h.entry);
    expect(entries).toEqual([...RULES.map((r) => ruleHandlerEntry(r.id)), DETECTION_HANDLER_ENTRY, SECURITY_HUB_HANDLER_ENTRY, EXCLUDED_ACCOUNTS_HANDLER_ENTRY]);
    expect(lambdaHandlers().filter((h) => h.iamData).map((h) => h.name)).toEqual(['ecr-repository-access', 'detections']);
    // A new function in infra/ must be built from one of these entries, or the bench would miss it.
    const named = { DETECTION_HANDLER_ENTRY, SECURITY_HUB_HANDLER_ENTRY, EXCLUDED_ACCOUNTS_HANDLER_ENTRY };
    const inInfra = functionEntriesInInfra();
    expect(inInfra.length).toBeGreaterThanOrEqual(4);
    for (const expression of inInfra) {
      const known = expression.startsWith('ruleHandlerEntry(') || Object.keys(named).includes(expression);
      expect(known, `infra builds a Lambda from \`${expression}\`, which the bench does not measure`).toBe(true);
    }
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
