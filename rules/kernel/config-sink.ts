import { ConfigServiceClient, PutEvaluationsCommand, type Evaluation as ConfigEvaluation } from '@aws-sdk/client-config-service';
import { awsCall, PutEvaluationsError } from './errors.js';
import type { Logger } from './logger.js';
import type { Evaluation } from './types.js';

/** Config's limits: 100 evaluations per PutEvaluations call, 256 characters per annotation. */
export const PUT_EVALUATIONS_BATCH_SIZE = 100;
export const ANNOTATION_LIMIT = 256;
const TRUNCATION_MARKER = ' [...]';
/** How often evaluations that Config reports in FailedEvaluations are sent again. */
export const FAILED_EVALUATION_RETRIES = 3;

/** Cuts an annotation to Config's limit with a visible marker; an empty one is omitted. */
export function configAnnotation(annotation: string): string | undefined {
  const text = annotation.trim();
  if (text === '') return undefined;
  if (text.length <= ANNOTATION_LIMIT) return text;
  return text.slice(0, ANNOTATION_LIMIT - TRUNCATION_MARKER.length).trimEnd() + TRUNCATION_MARKER;
}

/** An evaluation in PutEvaluations' shape, its annotation cut to Config's 256 characters with a visible mark. */
export function toConfigEvaluation(evaluation: Evaluation, orderingTimestamp: Date): ConfigEvaluation {
  const annotation = configAnnotation(evaluation.annotation);
  return {
    ComplianceResourceType: evaluation.resourceType,
    ComplianceResourceId: evaluation.resourceId,
    ComplianceType: evaluation.complianceType,
    OrderingTimestamp: orderingTimestamp,
    ...(annotation ? { Annotation: annotation } : {}),
  };
}

export interface PutOptions {
  resultToken: string;
  orderingTimestamp: Date;
  logger: Logger;
  /** Waits between resends of FailedEvaluations; injectable so tests do not sleep. */
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const key = (e: ConfigEvaluation) => `${e.ComplianceResourceType}/${e.ComplianceResourceId}`;

/**
 * Sends evaluations to Config in batches of 100. Evaluations Config returns as
 * FailedEvaluations are sent again (with backoff); any still failing raise
 * PutEvaluationsError so the invocation fails visibly. The result token `TESTMODE`
 * (Config's test harness) sets TestMode.
 */
export async function putEvaluations(client: ConfigServiceClient, evaluations: Evaluation[], options: PutOptions): Promise<number> {
  const sleep = options.sleep ?? defaultSleep;
  const testMode = options.resultToken === 'TESTMODE';
  const all = evaluations.map((evaluation) => toConfigEvaluation(evaluation, options.orderingTimestamp));
  let calls = 0;
  for (let start = 0; start < all.length; start += PUT_EVALUATIONS_BATCH_SIZE) {
    let pending = all.slice(start, start + PUT_EVALUATIONS_BATCH_SIZE);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await sleep(200 * 2 ** (attempt - 1));
      const response = await awsCall('config:PutEvaluations', () =>
        client.send(new PutEvaluationsCommand({ ResultToken: options.resultToken, Evaluations: pending, ...(testMode ? { TestMode: true } : {}) })),
      );
      calls++;
      const failed = new Set((response.FailedEvaluations ?? []).map(key));
      if (failed.size === 0) break;
      pending = pending.filter((evaluation) => failed.has(key(evaluation)));
      if (attempt >= FAILED_EVALUATION_RETRIES) {
        throw new PutEvaluationsError(
          `Config rejected ${pending.length} evaluation(s) after ${FAILED_EVALUATION_RETRIES} retries: ${pending.slice(0, 5).map(key).join(', ')}${pending.length > 5 ? ', ...' : ''}.`,
        );
      }
      options.logger.warn('Config returned FailedEvaluations; sending them again', { failed: pending.length, attempt: attempt + 1 });
    }
  }
  return calls;
}
