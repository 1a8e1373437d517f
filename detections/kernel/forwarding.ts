/**
 * The pattern of a detection's forwarding rule in a member account. For most detections it is
 * the detection's pattern. A detection that alerts only on callers of another account
 * (`Detection.callersFromOtherAccounts`: image pulls, one BatchGetImage per pull) narrows it
 * with `detail.userIdentity.accountId` anything-but the member's own account, or absent (a
 * record without an account is still forwarded: missing input never drops an event), so the
 * organisation's own pulls are not sent to the central bus nor invoke the Lambda at all.
 * EventBridge: anything-but and exists, alternatives of one field (OR):
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */
import type { EventPattern } from './match.js';
import type { Detection } from './types.js';

/** The forwarding pattern of `detection` in account `accountId` (a CloudFormation reference when deployed). */
export function forwardingPattern(detection: Pick<Detection, 'pattern' | 'callersFromOtherAccounts'>, accountId: string): EventPattern {
  if (!detection.callersFromOtherAccounts) return detection.pattern;
  const detail = (detection.pattern.detail ?? {}) as EventPattern;
  return { ...detection.pattern, detail: { ...detail, userIdentity: { accountId: [{ 'anything-but': [accountId] }, { exists: false }] } } };
}
