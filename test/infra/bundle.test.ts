/**
 * The one full synth with real esbuild bundling and cdk-nag, offline: what `npx cdk synth`
 * does, in process. Proves the rule Lambdas bundle without Docker into ESM that loads.
 */
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { loadRunbooks } from '../../automations/catalog.js';
import { buildGuardrailsApp, type GuardrailsApp } from '../../infra/build.js';
import { functionName } from '../../infra/names.js';
import { RULES } from '../../rules/index.js';
import { config, onlyResource, type CfnTemplate } from './support.js';

// CDK synths are CPU-bound and this machine is shared: generous limits, few synths.
vi.setConfig({ testTimeout: 90_000, hookTimeout: 180_000 });

let built: GuardrailsApp;
let outdir: string;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'ecr-guardrails-bundle-'));
  const runbooks = loadRunbooks();
  built = buildGuardrailsApp(config({ regions: ['eu-west-3'], securityHub: { enabled: true, automaticControls: ['ECR.2'] } }), { runbooks, appProps: { outdir } });
  built.app.synth();
}, 120_000);

function bundleDir(ruleId: string, name = functionName(ruleId)): string {
  const template = JSON.parse(readFileSync(join(outdir, `${built.adminStacks[0]!.stackName}.template.json`), 'utf8')) as CfnTemplate;
  const [, fn] = onlyResource(template, 'AWS::Lambda::Function', (p) => p['FunctionName'] === name);
  const key = (fn['Code'] as { S3Key: string }).S3Key;
  return join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
}

describe('real synth (esbuild, cdk-nag, no Docker, no network)', () => {
  it('writes the admin and org stacks and the conformance packs into the cloud assembly', () => {
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as { artifacts: Record<string, { type: string }> };
    const stacks = Object.entries(manifest.artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack').map(([id]) => id);
    expect(stacks.sort()).toEqual(['EcrGuardrails-Admin-eu-west-3', 'EcrGuardrails-Org']);
    expect(existsSync(join(outdir, 'ecr-guardrails-conformance-pack.eu-west-3.yaml'))).toBe(true);
  });

  it.each(RULES.map((r) => [r.id]))('%s: bundles into one minified ESM file with the SDK inside, and no source map (lambda.sourceMaps is off by default)', (ruleId) => {
    const dir = bundleDir(ruleId);
    const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
    expect(code.startsWith("import { createRequire as __ecrGuardrailsCreateRequire } from 'node:module';")).toBe(true);
    expect(existsSync(join(dir, 'index.mjs.map'))).toBe(false);
    // The SDK is bundled, not imported from the runtime.
    expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
    expect(code).toContain('ConfigService');
    expect(statSync(join(dir, 'index.mjs')).size).toBeLessThan(3_000_000);
  });

  it.each(RULES.map((r) => [r.id]))('%s: the bundle loads under Node and exports the handler', async (ruleId) => {
    const module = (await import(pathToFileURL(join(bundleDir(ruleId), 'index.mjs')).href)) as { handler?: unknown };
    expect(typeof module.handler).toBe('function');
  });

  it('the detection Lambda bundles with its SDK clients and loads, exporting the handler', async () => {
    const dir = bundleDir('', 'EcrGuardrails-Detections');
    const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
    expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
    expect(statSync(join(dir, 'index.mjs')).size).toBeLessThan(3_000_000);
    process.env.AWS_REGION ??= 'eu-west-3';
    const module = (await import(pathToFileURL(join(dir, 'index.mjs')).href)) as { handler?: unknown };
    expect(typeof module.handler).toBe('function');
  });

  it('the Security Hub orchestrator bundles with its SDK clients and loads, exporting the handler', async () => {
    const dir = bundleDir('', 'EcrGuardrails-SecurityHub');
    const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
    expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
    expect(code).toContain('StartAutomationExecution');
    expect(code).toContain('BatchUpdateFindings');
    expect(statSync(join(dir, 'index.mjs')).size).toBeLessThan(3_000_000);
    const module = (await import(pathToFileURL(join(dir, 'index.mjs')).href)) as { handler?: unknown };
    expect(typeof module.handler).toBe('function');
  });
});
