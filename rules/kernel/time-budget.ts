/**
 * The time budget of a periodic run: collection stops this long before the Lambda's deadline
 * (the context's `getRemainingTimeInMillis`) to leave time to report (PutEvaluations in
 * batches of 100, the previous results read for vanished resources).
 *
 * The reserve follows the function's configured timeout, which the deployment passes in
 * `RULE_TIMEOUT_ENV` (infra/rule-function.ts, from the per-rule `timeoutSeconds`): a tenth of
 * it, at least 5 s and at most 60 s. So a 30-second function still collects for about 25 s (a
 * fixed 30-second reserve would leave it nothing), 300 s keeps 30 s, and 900 s (stale images)
 * keeps 60 s for reporting thousands of repositories. Without the variable (local runs,
 * tests) the reserve is 30 s.
 */
import { RULE_TIMEOUT_ENV } from '../names.js';

/** Reserve without a configured timeout. */
export const DEFAULT_REPORT_RESERVE_MS = 30_000;
export const MIN_REPORT_RESERVE_MS = 5_000;
export const MAX_REPORT_RESERVE_MS = 60_000;

/** The reporting reserve for a function with this timeout (seconds); undefined or invalid: the default. */
export function reportReserveMs(timeoutSeconds: number | undefined): number {
  if (timeoutSeconds === undefined || !Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) return DEFAULT_REPORT_RESERVE_MS;
  return Math.min(MAX_REPORT_RESERVE_MS, Math.max(MIN_REPORT_RESERVE_MS, Math.round(timeoutSeconds * 100)));
}

/** The configured timeout from the environment (seconds), if set to a positive number. */
export function configuredTimeoutSeconds(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env[RULE_TIMEOUT_ENV];
  if (raw === undefined || raw.trim() === '') return undefined;
  const seconds = Number(raw);
  return Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
}
