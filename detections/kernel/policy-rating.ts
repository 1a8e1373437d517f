/**
 * Rates the repository policy a SetRepositoryPolicy event sets, with the ecr-repository-access
 * rule's own simulation (`policyRisk`), before the (synchronous) classifiers run: the rating is
 * computed once per event and handed to `DetectionContext.ratePolicy` for exactly that policy
 * text and account. Organisation, trusted and allowed-pull accounts come from the deployment
 * (environment), as the rule's parameters do; unknown ones only make the rating stricter.
 */
import type { Severity } from '../../rules/kernel/severity.js';
import { deniedCode } from './cloudtrail.js';
import type { DetectionContext, EventBridgeEvent } from './types.js';

export interface RatingSettings {
  organizationId?: string;
  trustedAccounts: readonly string[];
  allowedPullAccounts: readonly string[];
  partition: string;
}

/** The policy text and repository of a SetRepositoryPolicy CloudTrail record (one that took effect, or a denied attempt), if this is one. */
function setPolicyOf(event: EventBridgeEvent): { repositoryName: string; policyText: string } | undefined {
  const detail = event.detail as { eventSource?: unknown; eventName?: unknown; errorCode?: unknown; requestParameters?: { repositoryName?: unknown; policyText?: unknown } };
  if (detail.eventSource !== 'ecr.amazonaws.com' || detail.eventName !== 'SetRepositoryPolicy' || (detail.errorCode !== undefined && deniedCode(event) === undefined)) return undefined;
  const { repositoryName, policyText } = detail.requestParameters ?? {};
  return typeof repositoryName === 'string' && typeof policyText === 'string' ? { repositoryName, policyText } : undefined;
}

/** The context with `ratePolicy` for this event's new policy (unchanged for any other event). */
export async function withPolicyRating(event: EventBridgeEvent, context: DetectionContext, settings: RatingSettings): Promise<DetectionContext> {
  const set = setPolicyOf(event);
  if (!set) return context;
  const { policyRisk } = await import('../../rules/ecr-repository-access/policy-risk.js');
  let severity: Severity | undefined;
  try {
    const risk = await policyRisk(set.policyText, {
      repositoryArn: `arn:${settings.partition}:ecr:${event.region}:${event.account}:repository/${set.repositoryName}`,
      accountId: event.account,
      ...(settings.organizationId ? { organizationId: settings.organizationId } : {}),
      trustedAccounts: settings.trustedAccounts,
      allowedPullAccounts: settings.allowedPullAccounts,
    });
    // A policy that cannot be judged stays unrated: the detection then treats it as public.
    severity = risk.error ? undefined : risk.severity;
  } catch {
    severity = undefined;
  }
  return { ...context, ratePolicy: (policyText, account) => (policyText === set.policyText && account === event.account ? severity : undefined) };
}
