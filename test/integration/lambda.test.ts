/**
 * Each rule's Lambda handler invoked as AWS Config invokes it (result token TESTMODE), against
 * the emulator: the periodic path (ScheduledNotification) and the change path (one
 * ConfigurationItemChangeNotification per resource, its item built as Config records it) give
 * the CLI's verdicts for the same state, and those equal the seeded ground truth.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RULES } from '../../rules/index.js';
import type { Rule } from '../../rules/kernel/types.js';
import { changeEvent, lambdaContext, scheduledEvent } from '../support/config-events.js';
import { seedEstate, type Estate, type SeededRule } from './estate.js';
import { recordedItem } from './support/config-items.js';
import { startConfigProxy, type ConfigProxy } from './support/config-proxy.js';
import { clientsFor, EMULATOR_ACCOUNT, useEmulator } from './support/emulator.js';
import { expectedVerdicts, reportVerdicts, scanJson, type Verdicts } from './support/verdicts.js';

const REGIONS = ['us-east-1', 'us-east-2', 'us-west-2', 'ca-central-1', 'sa-east-1', 'us-west-1'];

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

async function handlerOf(rule: Rule): Promise<Handler> {
  return ((await import(`../../rules/${rule.id}/handler.ts`)) as { handler: Handler }).handler;
}

/** An event from the shared builders, re-stamped for this region and the current time. */
function restamp(event: ReturnType<typeof scheduledEvent>, region: string): ReturnType<typeof scheduledEvent> {
  const now = new Date().toISOString();
  const invoking = JSON.parse(event.invokingEvent) as Record<string, unknown> & { configurationItem?: Record<string, unknown> };
  invoking.notificationCreationTime = now;
  if (invoking.configurationItem) Object.assign(invoking.configurationItem, { awsRegion: region, configurationItemCaptureTime: now });
  return { ...event, invokingEvent: JSON.stringify(invoking), configRuleArn: event.configRuleArn.replace(':eu-west-3:', `:${region}:`) };
}

describe('Lambda handlers, both paths, against the emulator', () => {
  let estate: Estate;
  let proxy: ConfigProxy;
  const cli = new Map<string, Verdicts>();

  /** Runs one invocation; returns the verdicts of the PutEvaluations requests it sent. */
  async function invoke(rule: Rule, seeded: SeededRule, event: ReturnType<typeof scheduledEvent>): Promise<Verdicts> {
    process.env.AWS_REGION = seeded.scope.region;
    const before = proxy.putEvaluations.length;
    await (await handlerOf(rule))(restamp(event, seeded.scope.region), lambdaContext(EMULATOR_ACCOUNT));
    const sent = proxy.putEvaluations.slice(before);
    for (const request of sent) {
      expect(request.ResultToken).toBe('TESTMODE');
      expect(request.TestMode).toBe(true);
    }
    return Object.fromEntries(sent.flatMap((request) => request.Evaluations).map((e) => [e.ComplianceResourceId, e.ComplianceType as Verdicts[string]]));
  }

  beforeAll(async () => {
    const endpoint = useEmulator();
    estate = await seedEstate(REGIONS);
    const { report } = await scanJson(['--region', estate.rules.map((r) => r.scope.region).join(',')]);
    for (const seeded of estate.rules) cli.set(seeded.ruleId, reportVerdicts(report, seeded));
    proxy = await startConfigProxy(endpoint);
    process.env.AWS_ENDPOINT_URL_CONFIG_SERVICE = proxy.url;
  });
  afterAll(async () => {
    delete process.env.AWS_ENDPOINT_URL_CONFIG_SERVICE;
    await proxy?.close();
  });

  it('has a seed for every rule in RULES', () => {
    expect(estate.missing).toEqual([]);
  });

  describe.each(RULES.map((rule) => [rule.id, rule] as const))('%s', (ruleId, rule) => {
    const seeded = (): SeededRule => {
      const found = estate.rules.find((r) => r.ruleId === ruleId);
      if (!found) throw new Error(`${ruleId} has no seed`);
      return found;
    };

    it('the CLI agrees with the seeded ground truth', () => {
      expect(cli.get(ruleId)).toEqual(expectedVerdicts(seeded().truth));
    });

    it('ScheduledNotification: PutEvaluations (TestMode) carries the CLI verdict for every resource', async () => {
      const answered = proxy.answeredLocally.length;
      const verdicts = await invoke(rule, seeded(), scheduledEvent({ accountId: EMULATOR_ACCOUNT, resultToken: 'TESTMODE', configRuleName: `ecr-guardrails-${ruleId}` }));
      expect(verdicts).toEqual(cli.get(ruleId));
      // The periodic path asked for earlier results (to retire deleted resources): answered here.
      expect(proxy.answeredLocally.length).toBeGreaterThan(answered);
    });

    // Config sends change notifications only for the rule's change triggers (none for periodic-only rules).
    if (!rule.triggers.changeResourceTypes.includes(rule.resourceType)) return;
    it(
      'ConfigurationItemChangeNotification per resource: the CLI verdict for that resource',
      async () => {
        const { scope, truth } = seeded();
        const clients = clientsFor(scope);
        const verdicts: Verdicts = {};
        for (const resourceId of Object.keys(truth)) {
          const item = await recordedItem(clients, rule.resourceType, resourceId, scope.region);
          const sent = await invoke(rule, seeded(), changeEvent(item, { accountId: EMULATOR_ACCOUNT, resultToken: 'TESTMODE', configRuleName: `ecr-guardrails-${ruleId}` }));
          expect(Object.keys(sent), `one evaluation for ${resourceId}`).toEqual([resourceId]);
          Object.assign(verdicts, sent);
        }
        expect(verdicts).toEqual(cli.get(ruleId));
      },
    );
  });
});
