/**
 * IAM Access Analyzer's second opinion (UseAccessAnalyzer=true): `CheckNoPublicAccess` on the
 * repository policy text, resource type `AWS::ECR::Repository`. Pure: the collector stores the
 * answer (or the failure) as facts; this module says what it adds to the verdict.
 *
 * The contract: the rule's own simulation decides. Access Analyzer can add a finding, never
 * remove one:
 * - AA FAIL (may be public) where the simulation finds nothing public: NON_COMPLIANT, naming AA's
 *   reasons and the disagreement (no runbook: the runbook fixes what the simulation found);
 * - AA PASS where the simulation finds a public grant: the finding stays, the annotation notes
 *   that AA disagrees;
 * - AA could not answer (denied, not offered in the region, throttled after the SDK's retries,
 *   resource type refused): the repository is not readable, never silently COMPLIANT.
 *
 * CheckNoPublicAccess: result PASS ("the policy doesn't allow public access to the specified
 * resource type") or FAIL ("might allow public access"), with reasons {description, statementId,
 * statementIndex}. https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_CheckNoPublicAccess.html
 */
import type { Unreadable } from '../kernel/not-readable.js';

/** The IAM action of the call, as `Unreadable.call` names it. */
export const CHECK_NO_PUBLIC_ACCESS = 'access-analyzer:CheckNoPublicAccess';

/** One reason CheckNoPublicAccess gives for a FAIL. */
export interface AccessAnalyzerReason {
  description: string;
  statementId?: string;
  /** 0-based index of the statement in the policy. */
  statementIndex?: number;
}

/** What Access Analyzer answered for one repository policy (facts: JSON). */
export type AccessAnalyzerCheck = { result: 'PASS' | 'FAIL'; reasons: AccessAnalyzerReason[]; message?: string } | { unreadable: Unreadable };

/** What the check adds to the evaluation of one repository. */
export interface AccessAnalyzerOutcome {
  /** A finding the simulation did not make (AA says public): makes the repository NON_COMPLIANT. */
  problem?: string;
  /** A note appended after the findings (agreement, or AA's disagreement with a finding). */
  note?: string;
  /** AA could not answer: reported as not readable when nothing else is wrong. */
  unreadable?: Unreadable;
}

function reasonsText(reasons: readonly AccessAnalyzerReason[]): string {
  const parts = reasons.map((reason) => {
    const statement = reason.statementId ?? (reason.statementIndex !== undefined ? `#${reason.statementIndex + 1}` : undefined);
    return statement ? `${reason.description} (statement ${statement})` : reason.description;
  });
  return parts.length ? parts.join('; ') : 'no reason given';
}

/**
 * The outcome of the check, given whether the simulation found the repository policy public.
 * Grants to named outside accounts are not "public" for CheckNoPublicAccess: they are compared
 * only with the simulation's `public` findings.
 */
export function accessAnalyzerOutcome(check: AccessAnalyzerCheck | undefined, simulationFindsPublic: boolean): AccessAnalyzerOutcome {
  if (!check) return {};
  if ('unreadable' in check) return { unreadable: check.unreadable };
  if (check.result === 'FAIL' && !simulationFindsPublic) {
    return {
      problem: `IAM Access Analyzer CheckNoPublicAccess: FAIL, may be public: ${reasonsText(check.reasons)}; the rule's simulation finds no public grant (they disagree: review the statements named)`,
    };
  }
  if (check.result === 'PASS' && simulationFindsPublic) {
    return { note: 'IAM Access Analyzer CheckNoPublicAccess disagrees (PASS: not public); the rule\'s simulation decides (a condition the caller meets by itself, such as aws:SourceIp, is no boundary for it)' };
  }
  return { note: `IAM Access Analyzer CheckNoPublicAccess agrees (${check.result})` };
}
