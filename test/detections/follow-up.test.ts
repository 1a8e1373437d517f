/**
 * Which Config rules a detection's alert re-evaluates: the CDK app hands the detection Lambda
 * the periodic rules' Config names (change-triggered rules follow the change by themselves),
 * so the Lambda needs no rule registry and its bundle carries no collector.
 */
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { reevaluatedRuleNames } from '../../detections/kernel/follow-up.js';
import { DETECTION_HANDLER_ENTRY, esbuildOptions } from '../../infra/bundling.js';
import { RULES } from '../../rules/index.js';
import type { Rule } from '../../rules/kernel/types.js';

describe('re-evaluation targets', () => {
  it('names the periodic rules only, with their Config rule names', () => {
    const changeOnly = { ...RULES[0]!, id: 'change-only', triggers: { changeResourceTypes: ['AWS::ECR::Repository'] } } as Rule;
    const names = reevaluatedRuleNames([...RULES, changeOnly], (id) => `cfg-${id}`);
    expect(names).toEqual(Object.fromEntries(RULES.map((rule) => [rule.id, `cfg-${rule.id}`])));
    expect(names).not.toHaveProperty('change-only');
  });

  it('keeps the detection Lambda free of rule collectors and the SDK clients only they use', { timeout: 60_000 }, async () => {
    const result = await build({ ...esbuildOptions(false, { iamData: true }), entryPoints: [DETECTION_HANDLER_ENTRY], write: false, outdir: '/tmp/ecr-guardrails-detections-bundle', metafile: true, logLevel: 'error' });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((file) => file.includes('@aws-sdk/client-sns'))).toBe(true);
    for (const unwanted of ['rules/index.ts', 'rules/ecr-stale-images/collect.ts', '@aws-sdk/client-route53resolver', '@aws-sdk/client-inspector2', '@aws-sdk/client-route-53/']) {
      expect(inputs.filter((file) => file.includes(unwanted)), `${unwanted} in the detection bundle`).toEqual([]);
    }
  });
});
