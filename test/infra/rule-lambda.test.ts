/**
 * Per-rule Lambda settings (issue 17 item 4): timeout, memory and reserved concurrency per
 * rule, defaults that fit each rule's benchmark, and the timeout passed to the kernel.
 */
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { buildGuardrailsApp } from '../../infra/build.js';
import { ConfigurationError } from '../../infra/config.js';
import { functionName } from '../../infra/names.js';
import { GENERIC_RULE_LAMBDA, RULE_LAMBDA_DEFAULTS, ruleLambdaSettings } from '../../infra/rule-lambda.js';
import { RULES } from '../../rules/index.js';
import { RULE_TIMEOUT_ENV } from '../../rules/names.js';
import { defaultApp, outdir, runbooks } from './default-app.js';
import { config, onlyResource, type CfnTemplate } from './support.js';

vi.setConfig({ testTimeout: 90_000, hookTimeout: 180_000 });

const fn = (template: Template, ruleId: string) => onlyResource(template.toJSON() as CfnTemplate, 'AWS::Lambda::Function', (p) => p['FunctionName'] === functionName(ruleId))[1];

describe('rule Lambda settings: resolution', () => {
  it('every rule of the registry has its own defaults', () => {
    expect(Object.keys(RULE_LAMBDA_DEFAULTS).sort()).toEqual(RULES.map((r) => r.id).sort());
  });

  it('defaults per rule: ecr-stale-images gets the 15-minute budget, tag immutability a small function', () => {
    const c = config();
    expect(ruleLambdaSettings(c, 'ecr-stale-images')).toEqual({ timeoutSeconds: 900, memorySizeMb: 1024, reservedConcurrency: 7 });
    expect(ruleLambdaSettings(c, 'ecr-tag-immutability')).toEqual({ timeoutSeconds: 120, memorySizeMb: 256, reservedConcurrency: 7 });
    expect(ruleLambdaSettings(c, 'some-future-rule')).toEqual({ ...GENERIC_RULE_LAMBDA, reservedConcurrency: 7 });
  });

  it('rules.<id>.lambda wins over lambda.*, which wins over the rule default', () => {
    const c = config({
      lambda: { reservedConcurrency: 5, timeoutSeconds: 600 },
      rules: { 'ecr-stale-images': { lambda: { memorySizeMb: 2048, reservedConcurrency: 2 } }, 'ecr-tag-immutability': { lambda: { timeoutSeconds: 60 } } },
    });
    expect(ruleLambdaSettings(c, 'ecr-stale-images')).toEqual({ timeoutSeconds: 600, memorySizeMb: 2048, reservedConcurrency: 2 });
    expect(ruleLambdaSettings(c, 'ecr-tag-immutability')).toEqual({ timeoutSeconds: 60, memorySizeMb: 256, reservedConcurrency: 5 });
  });

  it('refuses a per-rule timeout over Lambda\'s 900 s, naming the key', () => {
    expect(() => config({ rules: { 'ecr-stale-images': { lambda: { timeoutSeconds: 1200 } } } })).toThrow(ConfigurationError);
    expect(() => config({ rules: { 'ecr-stale-images': { lambda: { timeoutSeconds: 1200 } } } })).toThrow(/rules\.ecr-stale-images\.lambda\.timeoutSeconds must be <= 900/);
    expect(() => config({ rules: { 'ecr-stale-images': { lambda: { timeout: 60 } } } })).toThrow(/rules\.ecr-stale-images\.lambda\.timeout is not a known setting/);
  });
});

describe('rule Lambda settings: synthesized', () => {
  let admin: Template[];
  let custom: Template;
  beforeAll(() => {
    ({ admin } = defaultApp());
    const dir = outdir();
    const built = buildGuardrailsApp(
      config({ regions: ['eu-west-3'], rules: { 'ecr-stale-images': { lambda: { timeoutSeconds: 600, memorySizeMb: 2048, reservedConcurrency: 3 } } } }),
      { runbooks, bundle: false, appProps: { outdir: dir }, conformancePackDir: join(dir, 'packs') },
    );
    built.app.synth();
    custom = Template.fromStack(built.adminStacks[0]!);
  }, 180_000);

  it.each(RULES.map((r) => [r.id]))('%s: the default timeout and memory of the rule, and its timeout in RULE_TIMEOUT_SECONDS', (ruleId) => {
    const expected = RULE_LAMBDA_DEFAULTS[ruleId]!;
    for (const template of admin) {
      const props = fn(template, ruleId);
      expect(props['Timeout']).toBe(expected.timeoutSeconds);
      expect(props['MemorySize']).toBe(expected.memorySizeMb);
      expect((props['Environment'] as { Variables: Record<string, string> }).Variables[RULE_TIMEOUT_ENV]).toBe(String(expected.timeoutSeconds));
    }
  });

  it('ecr-stale-images runs for 900 s by default', () => {
    for (const template of admin) expect(fn(template, 'ecr-stale-images')['Timeout']).toBe(900);
  });

  it('a per-rule setting changes that rule\'s function only', () => {
    const stale = fn(custom, 'ecr-stale-images');
    expect([stale['Timeout'], stale['MemorySize'], stale['ReservedConcurrentExecutions']]).toEqual([600, 2048, 3]);
    expect((stale['Environment'] as { Variables: Record<string, string> }).Variables[RULE_TIMEOUT_ENV]).toBe('600');
    const tags = fn(custom, 'ecr-tag-immutability');
    expect([tags['Timeout'], tags['MemorySize'], tags['ReservedConcurrentExecutions']]).toEqual([120, 256, 7]);
  });
});
