import {
  ConfigServiceClient,
  GetResourceConfigHistoryCommand,
} from '@aws-sdk/client-config-service';
import { ClientFactory } from './clients.js';
import { GONE_STATUSES, normaliseHistoryItem, parseConfigEvent, type ConfigurationItem, type InvokingEvent } from './config-item.js';
import { putEvaluations } from './config-sink.js';
import { accountOf, createCollectContext, partitionOf } from './context.js';
import { EvaluationRoleCredentials } from './credentials.js';
import { awsCall, ConfigEventError } from './errors.js';
import { createLambdaLogger } from './logger.js';
import { parseRuleParameters } from './parameters.js';
import { previousResults } from './previous-results.js';
import { configuredTimeoutSeconds, reportReserveMs } from './time-budget.js';
import type { CollectContext, Evaluation, Rule } from './types.js';
import { EVALUATION_ROLE_ENV } from '../names.js';


/** What the Lambda context offers that the kernel uses. */
export interface LambdaContextLike {
  invokedFunctionArn?: string;
  getRemainingTimeInMillis?: () => number;
}

export interface HandlerOptions {
  /** The clock, for periodic runs without a notification time and for change runs. */
  clock?: () => Date;
  /** Waits between PutEvaluations resends. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Collection stops this long before the Lambda's deadline, to leave time to report.
   * Default: from the configured timeout (`RULE_TIMEOUT_SECONDS`, see time-budget.ts).
   */
  reportReserveMs?: number;
}

export interface InvocationSummary {
  messageType: InvokingEvent['messageType'];
  accountId: string;
  /** Every evaluation sent, for in-process callers (tests, benchmarks). */
  evaluations: Evaluation[];
  putEvaluationsCalls: number;
  counts: Record<Evaluation['complianceType'], number>;
  /**
   * What the Lambda runtime serialises as the function's response: counts only. Config ignores
   * the response, and a large estate's evaluations would approach Lambda's 6 MB payload limit.
   */
  toJSON(): Omit<InvocationSummary, 'evaluations' | 'toJSON'>;
}

const notApplicable = (resourceType: string, resourceId: string, annotation: string): Evaluation => ({
  resourceType,
  resourceId,
  complianceType: 'NOT_APPLICABLE',
  annotation,
});

/**
 * The change-triggered path: decides from the item alone when nothing needs collecting
 * (deleted, unrecorded, out of scope, a type the rule does not evaluate) and otherwise lets
 * the rule collect and evaluate what the change concerns.
 */
export async function evaluateChange<P, F>(
  rule: Rule<P, F>,
  item: ConfigurationItem,
  eventLeftScope: boolean,
  ctx: CollectContext<P>,
): Promise<Evaluation[]> {
  const evaluatesType = item.resourceType === rule.resourceType;
  if (evaluatesType && eventLeftScope) {
    return [notApplicable(item.resourceType, item.resourceId, 'The resource left the scope of this rule.')];
  }
  if (evaluatesType && GONE_STATUSES.has(item.configurationItemStatus)) {
    return [notApplicable(item.resourceType, item.resourceId, `Configuration item status is ${item.configurationItemStatus}: nothing to evaluate.`)];
  }
  if (!evaluatesType && !rule.triggers.changeResourceTypes.includes(item.resourceType)) {
    return [notApplicable(item.resourceType, item.resourceId, `Rule ${rule.id} evaluates ${rule.resourceType}, not ${item.resourceType}.`)];
  }
  if (!rule.collector.collectForChange) {
    // A rule without a change collector evaluates its whole scope, then keeps this resource.
    const facts = await rule.collector.collectAll(ctx);
    return (await rule.evaluate(facts, ctx.params, ctx.now)).filter((e) => !evaluatesType || e.resourceId === item.resourceId);
  }
  const facts = await rule.collector.collectForChange(item, ctx);
  return facts === undefined ? [] : await rule.evaluate(facts, ctx.params, ctx.now);
}

/**
 * Resources that had a result from this rule but are no longer in the inventory (deleted
 * since) get NOT_APPLICABLE, so Config does not keep showing findings for ghosts.
 */
export async function resultsForVanishedResources(
  config: ConfigServiceClient,
  configRuleName: string,
  resourceType: string,
  present: Set<string>,
): Promise<Evaluation[]> {
  const vanished: Evaluation[] = [];
  for (const result of await previousResults(config, configRuleName, ['COMPLIANT', 'NON_COMPLIANT'])) {
    if (result.resourceType !== resourceType || present.has(result.resourceId)) continue;
    vanished.push(notApplicable(resourceType, result.resourceId, 'The resource no longer exists.'));
  }
  return vanished;
}

async function fetchOversizedItem(config: ConfigServiceClient, summary: Extract<InvokingEvent, { messageType: 'OversizedConfigurationItemChangeNotification' }>['configurationItemSummary']): Promise<ConfigurationItem> {
  const response = await awsCall(`config:GetResourceConfigHistory ${summary.resourceType} ${summary.resourceId}`, () =>
    config.send(
      new GetResourceConfigHistoryCommand({
        resourceType: summary.resourceType as never,
        resourceId: summary.resourceId,
        laterTime: new Date(summary.configurationItemCaptureTime),
        limit: 1,
      }),
    ),
  );
  const item = response.configurationItems?.[0];
  if (!item) throw new ConfigEventError(`GetResourceConfigHistory found no configuration item for ${summary.resourceType} ${summary.resourceId}.`);
  return normaliseHistoryItem(item);
}

/**
 * Turns a rule into a Config custom-rule Lambda handler. Everything here is shared by every
 * rule; the rule contributes only its metadata, collector and evaluator.
 */
export function createConfigRuleHandler<P, F>(rule: Rule<P, F>, options: HandlerOptions = {}) {
  const logger = createLambdaLogger(rule.id);
  const clock = options.clock ?? (() => new Date());
  const reserveMs = options.reportReserveMs ?? reportReserveMs(configuredTimeoutSeconds());
  let roleCredentials: EvaluationRoleCredentials | undefined;

  return async function handler(rawEvent: unknown, context: LambdaContextLike = {}): Promise<InvocationSummary> {
    const parsed = parseConfigEvent(rawEvent);
    const { event, invokingEvent } = parsed;
    const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (!region) throw new ConfigEventError('AWS_REGION is not set: the Lambda runtime sets it; set it when invoking locally.');
    logger.appendKeys({ account: event.accountId, region, configRuleName: event.configRuleName, messageType: invokingEvent.messageType });
    try {
      const params = parseRuleParameters<P>(rule.id, rule.parameters, parsed.ruleParameters);

      // Cross-account: assume the evaluation role when the event is for another account.
      const partition = partitionOf(context.invokedFunctionArn ?? event.configRuleArn);
      const ownAccount = accountOf(context.invokedFunctionArn);
      const roleName = process.env[EVALUATION_ROLE_ENV];
      let credentials;
      if (roleName && ownAccount && event.accountId !== ownAccount) {
        roleCredentials ??= new EvaluationRoleCredentials(roleName, `ecr-guardrails-${rule.id}`);
        credentials = await roleCredentials.forAccount(partition, event.accountId);
      }
      const clients = new ClientFactory(region, credentials);
      const config = clients.get(ConfigServiceClient);
      const remaining = context.getRemainingTimeInMillis;

      let evaluations: Evaluation[];
      let orderingTimestamp: Date;
      if (invokingEvent.messageType === 'ScheduledNotification') {
        const now = invokingEvent.notificationCreationTime ? new Date(invokingEvent.notificationCreationTime) : clock();
        orderingTimestamp = now;
        const ctx = createCollectContext({ accountId: event.accountId, region, partition, clients }, params, {
          now,
          logger,
          configRuleName: event.configRuleName,
          ...(remaining ? { remainingTimeMs: () => remaining() - reserveMs } : {}),
        });
        const facts = await rule.collector.collectAll(ctx);
        evaluations = await rule.evaluate(facts, params, now);
        const present = new Set(rule.inventory ? rule.inventory(facts) : evaluations.map((e) => e.resourceId));
        evaluations.push(...(await resultsForVanishedResources(config, event.configRuleName, rule.resourceType, present)));
      } else {
        const item =
          invokingEvent.messageType === 'OversizedConfigurationItemChangeNotification'
            ? await fetchOversizedItem(config, invokingEvent.configurationItemSummary)
            : invokingEvent.configurationItem;
        if (!item) throw new ConfigEventError('ConfigurationItemChangeNotification without a configurationItem.');
        orderingTimestamp = item.configurationItemCaptureTime ? new Date(item.configurationItemCaptureTime) : clock();
        const ctx = createCollectContext({ accountId: event.accountId, region, partition, clients }, params, { now: clock(), logger, configRuleName: event.configRuleName });
        evaluations = await evaluateChange(rule, item, event.eventLeftScope === true, ctx);
      }

      const putEvaluationsCalls = await putEvaluations(config, evaluations, {
        resultToken: event.resultToken,
        orderingTimestamp,
        logger,
        ...(options.sleep ? { sleep: options.sleep } : {}),
      });
      const counts = Object.fromEntries(
        (['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE'] as const).map((type) => [type, evaluations.filter((e) => e.complianceType === type).length]),
      ) as InvocationSummary['counts'];
      logger.info('Evaluation reported', { evaluations: evaluations.length, putEvaluationsCalls, ...counts });
      const compact = { messageType: invokingEvent.messageType, accountId: event.accountId, putEvaluationsCalls, counts };
      return { ...compact, evaluations, toJSON: () => compact };
    } catch (error) {
      logger.error('Evaluation failed', {
        error: error instanceof Error ? { name: error.name, message: error.message, cause: error.cause instanceof Error ? error.cause.name : undefined } : String(error),
      });
      throw error;
    }
  };
}
