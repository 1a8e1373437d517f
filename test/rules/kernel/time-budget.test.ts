/**
 * The periodic time budget follows the function's configured timeout (issue 17 item 4): the
 * deployment sets RULE_TIMEOUT_SECONDS from the per-rule timeout, and the kernel keeps a
 * reporting reserve sized from it instead of a fixed 30 s.
 */
import { ConfigServiceClient, GetComplianceDetailsByConfigRuleCommand, PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConfigRuleHandler } from '../../../rules/kernel/handler.js';
import { configuredTimeoutSeconds, DEFAULT_REPORT_RESERVE_MS, reportReserveMs } from '../../../rules/kernel/time-budget.js';
import { defineRule } from '../../../rules/kernel/types.js';
import { RULE_TIMEOUT_ENV } from '../../../rules/names.js';
import { lambdaContext, MEMBER_ACCOUNT, scheduledEvent } from '../../support/config-events.js';

const config = mockClient(ConfigServiceClient);

/** A rule whose collector records the budget it was given. */
function budgetProbe() {
  const seen: number[] = [];
  const rule = defineRule<{ ExemptionTagKey: string }, { ids: string[] }>({
    id: 'test-budget-rule',
    title: 'test',
    description: 'Records the time budget, for the kernel tests.',
    permissions: ['ecr:DescribeRepositories'],
    controls: { securityHub: [], nist800190: [], nist80053: [] },
    resourceType: 'AWS::ECR::Repository',
    triggers: { changeResourceTypes: [], periodic: 'TwentyFour_Hours' },
    parameters: { type: 'object', properties: { ExemptionTagKey: { type: 'string', default: 'x' } }, required: ['ExemptionTagKey'], additionalProperties: false },
    remediations: [{ runbook: 'X', resourceIdParameter: 'RepositoryName', summary: 'x' }],
    collector: {
      collectAll: async (ctx) => {
        seen.push(ctx.remainingTimeMs());
        return { ids: ['r1'] };
      },
    },
    evaluate: (facts) => facts.ids.map((id) => ({ resourceType: 'AWS::ECR::Repository', resourceId: id, complianceType: 'COMPLIANT', annotation: '' })),
  });
  return { rule, seen };
}

beforeEach(() => {
  config.reset();
  config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  config.on(GetComplianceDetailsByConfigRuleCommand).resolves({ EvaluationResults: [] });
});
afterEach(() => {
  delete process.env[RULE_TIMEOUT_ENV];
});

describe('reporting reserve from the configured timeout', () => {
  it('is a tenth of the timeout, between 5 s and 60 s; 30 s when no timeout is configured', () => {
    expect(reportReserveMs(30)).toBe(5_000);
    expect(reportReserveMs(120)).toBe(12_000);
    expect(reportReserveMs(300)).toBe(30_000);
    expect(reportReserveMs(900)).toBe(60_000);
    expect(reportReserveMs(undefined)).toBe(DEFAULT_REPORT_RESERVE_MS);
    expect(DEFAULT_REPORT_RESERVE_MS).toBe(30_000);
  });

  it('reads RULE_TIMEOUT_SECONDS; a missing, empty or non-numeric value is ignored', () => {
    expect(configuredTimeoutSeconds({ [RULE_TIMEOUT_ENV]: '900' })).toBe(900);
    expect(configuredTimeoutSeconds({})).toBeUndefined();
    expect(configuredTimeoutSeconds({ [RULE_TIMEOUT_ENV]: '' })).toBeUndefined();
    expect(configuredTimeoutSeconds({ [RULE_TIMEOUT_ENV]: 'fifteen' })).toBeUndefined();
    expect(configuredTimeoutSeconds({ [RULE_TIMEOUT_ENV]: '-1' })).toBeUndefined();
  });
});

describe('periodic run budget', () => {
  it('a 30-second function still collects for 25 s (a fixed 30-second reserve left it nothing)', async () => {
    process.env[RULE_TIMEOUT_ENV] = '30';
    const { rule, seen } = budgetProbe();
    await createConfigRuleHandler(rule)(scheduledEvent(), lambdaContext(MEMBER_ACCOUNT, 30_000));
    expect(seen).toEqual([25_000]);
  });

  it('a 900-second function (stale images) keeps 60 s for reporting', async () => {
    process.env[RULE_TIMEOUT_ENV] = '900';
    const { rule, seen } = budgetProbe();
    await createConfigRuleHandler(rule)(scheduledEvent(), lambdaContext(MEMBER_ACCOUNT, 900_000));
    expect(seen).toEqual([840_000]);
  });

  it('without RULE_TIMEOUT_SECONDS the reserve stays 30 s', async () => {
    const { rule, seen } = budgetProbe();
    await createConfigRuleHandler(rule)(scheduledEvent(), lambdaContext(MEMBER_ACCOUNT, 300_000));
    expect(seen).toEqual([270_000]);
  });
});
