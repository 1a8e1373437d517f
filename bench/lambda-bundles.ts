/**
 * Lambda bundles, measured (issue 17 item 8): each handler built with esbuild exactly as the
 * CDK app ships it (`esbuildOptions` from infra/bundling.ts: the same options NodejsFunction
 * passes), its size, and its module-load time: a fresh `node` process importing the bundle,
 * which is what a Lambda cold start does at init (the runtime's own start is not counted).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { build } from 'esbuild';
import { esbuildOptions, ruleHandlerEntry, RULES_WITH_IAM_DATA, SERVICE_LAMBDAS } from '../infra/bundling.js';
import { RULES } from '../rules/index.js';

export interface Handler {
  name: string;
  entry: string;
  /** The function simulates IAM policies and ships the IAM data banner, as the stacks build it. */
  iamData: boolean;
}

/** Every Lambda of the app: one per rule, then the service Lambdas (detections, Security Hub, conformance pack). */
export function lambdaHandlers(): Handler[] {
  return [...RULES.map((r) => ({ name: r.id, entry: ruleHandlerEntry(r.id), iamData: RULES_WITH_IAM_DATA.has(r.id) })), ...SERVICE_LAMBDAS];
}

export interface Bundle {
  file: string;
  bytes: number;
  /** Bytes of the source map next to it (0 without one). */
  mapBytes: number;
}

/** Builds one handler as CDK does (with or without source maps) into `outdir/<name>/index.mjs`. */
export async function bundleHandler(handler: Handler, sourceMaps: boolean, outdir = mkdtempSync(join(tmpdir(), 'ecr-guardrails-bundle-bench-'))): Promise<Bundle> {
  const file = join(outdir, handler.name, 'index.mjs');
  await build({ ...esbuildOptions(sourceMaps, { iamData: handler.iamData }), entryPoints: [handler.entry], outfile: file, logLevel: 'error' });
  const map = `${file}.map`;
  return { file, bytes: statSync(file).size, mapBytes: existsSync(map) ? statSync(map).size : 0 };
}

/** Time (ms) for a fresh Node process to import the bundle and find `handler`; `--enable-source-maps` when asked. */
export function loadTimeMs(file: string, options: { enableSourceMaps?: boolean } = {}): number {
  const script =
    "const t0 = performance.now(); const m = await import(process.argv[1]); const ms = performance.now() - t0; if (typeof m.handler !== 'function') throw new Error('no handler export'); process.stdout.write(String(ms));";
  const result = spawnSync(process.execPath, [...(options.enableSourceMaps ? ['--enable-source-maps'] : []), '--input-type=module', '-e', script, file], {
    cwd: dirname(file),
    encoding: 'utf8',
    // What the Lambda environment gives every function; no credentials are needed to load.
    env: { PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-3', AWS_LAMBDA_FUNCTION_NAME: basename(dirname(file)), POWERTOOLS_LOG_LEVEL: 'SILENT' },
  });
  if (result.status !== 0) throw new Error(`loading ${file} failed: ${result.stderr}`);
  const ms = Number(result.stdout);
  if (!Number.isFinite(ms)) throw new Error(`loading ${file}: no time reported (${result.stdout})`);
  return ms;
}

/** Median load time of `runs` cold loads, after one warm-up for the file cache. */
export function medianLoadTimeMs(file: string, runs: number, options: { enableSourceMaps?: boolean } = {}): number {
  loadTimeMs(file, options);
  const times = Array.from({ length: runs }, () => loadTimeMs(file, options)).sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}
