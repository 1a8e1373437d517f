import { execSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundlingOptions, copyIamDataCommand, IAM_DATA_BANNER, PROJECT_ROOT, REQUIRE_BANNER, RULES_WITH_IAM_DATA, sourceMapEnvironment } from '../../infra/bundling.js';
import { config } from './support.js';

describe('Lambda bundles: source maps only on purpose', () => {
  it('ships no source map and no --enable-source-maps by default', () => {
    expect(config().lambda.sourceMaps).toBe(false);
    expect(bundlingOptions(false).sourceMap).toBe(false);
    expect(sourceMapEnvironment(false)).toEqual({});
  });

  it('ships both when lambda.sourceMaps is true', () => {
    expect(config({ lambda: { sourceMaps: true } }).lambda.sourceMaps).toBe(true);
    expect(bundlingOptions(true).sourceMap).toBe(true);
    expect(sourceMapEnvironment(true)).toEqual({ NODE_OPTIONS: '--enable-source-maps' });
  });
});

describe('Lambda bundles: the IAM policy data ships with functions that simulate policies', () => {
  const bundle = async (banner: string): Promise<string> => {
    const { build } = await import('esbuild');
    const dir = mkdtempSync(join(tmpdir(), 'ecr-guardrails-iam-data-'));
    const entry = join(dir, 'entry.ts');
    writeFileSync(entry, `export { policyRisk } from ${JSON.stringify(join(PROJECT_ROOT, 'rules/ecr-repository-access/policy-risk.ts'))};\n`);
    await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'node', mainFields: ['module', 'main'], banner: { js: banner }, outfile: join(dir, 'index.mjs'), logLevel: 'silent' });
    execSync(copyIamDataCommand(dir));
    return join(dir, 'index.mjs');
  };
  const PUBLIC = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Public', Effect: 'Allow', Principal: '*', Action: 'ecr:PutImage' }] });
  const CONTEXT = { repositoryArn: 'arn:aws:ecr:eu-west-3:111122223333:repository/app', accountId: '111122223333', trustedAccounts: [], allowedPullAccounts: [] };
  // Each bundle runs in its own Node process: the data loader caches its root per process.
  const judge = (file: string) =>
    spawnSync(process.execPath, ['--input-type=module', '-e', `const { policyRisk } = await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(JSON.stringify(await policyRisk(${JSON.stringify(PUBLIC)}, ${JSON.stringify(CONTEXT)})));`], { encoding: 'utf8', cwd: tmpdir() });

  it('ecr-repository-access gets the banner and the copy hook; other rules do not', () => {
    expect(RULES_WITH_IAM_DATA.has('ecr-repository-access')).toBe(true);
    expect(bundlingOptions(false, { iamData: true }).banner).toBe(`${REQUIRE_BANNER} ${IAM_DATA_BANNER}`);
    expect(bundlingOptions(false, { iamData: true }).commandHooks?.afterBundling('in', '/out')).toEqual([copyIamDataCommand('/out')]);
    expect(bundlingOptions(false).commandHooks).toBeUndefined();
  });

  it('a bundle of policyRisk with the banner and the copied data judges a policy, from any working directory', { timeout: 60_000 }, async () => {
    const child = judge(await bundle(`${REQUIRE_BANNER} ${IAM_DATA_BANNER}`));
    expect(child.status, child.stderr).toBe(0);
    expect(JSON.parse(child.stdout)).toMatchObject({ severity: 'CRITICAL', grants: [{ kind: 'public', actions: ['ecr:PutImage'] }] });
  });

  it('without the banner the bundle cannot find the data (the failure the banner prevents)', { timeout: 60_000 }, async () => {
    const child = judge(await bundle(REQUIRE_BANNER));
    expect(child.status).not.toBe(0);
    expect(child.stderr).toMatch(/ENOENT/);
  });
});
