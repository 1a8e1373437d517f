/**
 * IAM Access Analyzer's second opinion (UseAccessAnalyzer=true): the ACTIVE findings of the
 * account's external access analyzer for resource type `AWS::ECR::Repository`. Pure: the
 * collector stores the findings (or the failure) as facts; this module says what they add.
 *
 * An external access analyzer "generates a finding for each instance of a resource-based policy
 * that grants access to a resource within your zone of trust to a principal that is not within
 * your zone of trust"; the zone of trust is the account (type ACCOUNT) or the organisation
 * (type ORGANIZATION): https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-findings.html
 * Finding fields (isPublic, principal, action, condition, resourceOwnerAccount, error):
 * https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_FindingSummary.html
 *
 * The contract: the rule's simulation decides. Access Analyzer can add a finding, never remove
 * one:
 * - an AA public finding where the simulation finds nothing public, or an AA finding for a
 *   principal outside the organisation, TrustedAccounts and AllowedPullAccounts (pull only) that
 *   no grant of the simulation covers: NON_COMPLIANT, naming AA's finding (id, principal,
 *   actions) and the disagreement (no runbook: the runbook fixes what the simulation found);
 * - a finding of the simulation without any AA finding: the finding stays; the note says AA
 *   analyses asynchronously (it may not have re-analysed the policy yet) and does not report
 *   principals inside its zone of trust;
 * - AA could not answer (no active external access analyzer, denied, throttled after the SDK's
 *   retries, an Error finding for the repository): not readable, never silently COMPLIANT.
 */
import type { Unreadable } from '../kernel/not-readable.js';
import type { RiskyGrant } from './policy-risk.js';

/** The IAM actions of the calls, as `Unreadable.call` names them (ListFindings: the API used). */
export const LIST_ANALYZERS = 'access-analyzer:ListAnalyzers';
export const LIST_FINDINGS = 'access-analyzer:ListFindings';

/** The external access analyzer whose findings were read. */
export interface AnalyzerRef {
  arn: string;
  name: string;
  /** The zone of trust: the account or the organisation. */
  type: 'ACCOUNT' | 'ORGANIZATION';
}

/** One ACTIVE external access finding on a repository (facts: JSON). */
export interface AccessAnalyzerFinding {
  id: string;
  isPublic: boolean;
  /** The external principal, e.g. `{ AWS: '444455556666' }` or `{ AWS: '*' }`. */
  principal: Record<string, string>;
  actions: string[];
  /** The condition of the statement that produced the finding, e.g. `{ 'aws:SourceIp': '203.0.113.0/24' }`. */
  condition: Record<string, string>;
  /** When AA analysed the policy (ISO). */
  analyzedAt?: string;
  /** Set on an Error finding: AA could not analyse the resource. */
  error?: string;
}

/** What Access Analyzer answered for one repository (facts: JSON). */
export type AccessAnalyzerAnswer = { analyzer: AnalyzerRef; findings: AccessAnalyzerFinding[] } | { unreadable: Unreadable };

/** What the findings add to the evaluation of one repository. */
export interface AccessAnalyzerOutcome {
  /** Findings the simulation did not make: make the repository NON_COMPLIANT. */
  problems: string[];
  /** Notes appended after the findings (agreement, AA's silence, findings not outside for this rule). */
  notes: string[];
  /** AA could not answer: reported as not readable when nothing else is wrong. */
  unreadable?: Unreadable;
}

/** What the rule counts as inside: its account, organisation and parameters. */
export interface AnalyzerContext {
  accountId: string;
  organizationId?: string;
  trustedAccounts: readonly string[];
  allowedPullAccounts: readonly string[];
  /** Read and List repository actions (ecr-actions.ts). */
  pull: ReadonlySet<string>;
}

const ACCOUNT = /(?<![0-9])[0-9]{12}(?![0-9])/g;
/** Condition keys that confine the caller (or the service's source) to an organisation. */
const ORG_KEYS = ['aws:principalorgid', 'aws:principalorgpaths', 'aws:sourceorgid', 'aws:sourceorgpaths'];

/** The account ids a finding names (principal values, then condition values). */
export function findingAccounts(finding: AccessAnalyzerFinding): string[] {
  const text = [...Object.values(finding.principal), ...Object.values(finding.condition)].join(' ');
  return [...new Set(text.match(ACCOUNT) ?? [])];
}

const principalText = (finding: AccessAnalyzerFinding) => Object.entries(finding.principal).map(([kind, value]) => `${kind} ${value}`).join(', ') || 'unnamed principal';
const conditionText = (finding: AccessAnalyzerFinding) => {
  const entries = Object.entries(finding.condition);
  return entries.length ? ` when ${entries.map(([key, value]) => `${key}=${value}`).join(', ')}` : '';
};
const findingText = (finding: AccessAnalyzerFinding) =>
  `finding ${finding.id}${finding.analyzedAt ? ` (analysed ${finding.analyzedAt})` : ''}: ${finding.isPublic ? 'public, ' : ''}${principalText(finding)} can call ${finding.actions.join(', ') || 'no action named'}${conditionText(finding)}`;

/** Why a non-public finding is not outside for this rule; undefined when it is. */
function insideReason(finding: AccessAnalyzerFinding, context: AnalyzerContext): string | undefined {
  if (finding.isPublic) return undefined;
  const org = context.organizationId;
  // Every value (AA may list several) is our organisation id itself or a path under it: an id that
  // only begins with ours, or a pattern, is another organisation.
  const ours = (value: string) => value.split(/[,\s]+/).filter(Boolean).every((part) => part === org || part.startsWith(`${org}/`));
  if (org && Object.entries(finding.condition).some(([key, value]) => ORG_KEYS.includes(key.toLowerCase()) && ours(value))) {
    return `confined to organisation ${org} (inside this rule's boundary; an ACCOUNT analyzer's zone of trust is the account only)`;
  }
  const accounts = findingAccounts(finding);
  if (!accounts.length) return undefined;
  const trusted = new Set([context.accountId, ...context.trustedAccounts]);
  if (accounts.every((account) => trusted.has(account))) return 'TrustedAccounts';
  const pullOnly = finding.actions.length > 0 && finding.actions.every((action) => context.pull.has(action));
  if (pullOnly && accounts.every((account) => trusted.has(account) || context.allowedPullAccounts.includes(account))) return 'AllowedPullAccounts, pull only';
  return undefined;
}

/** Does a grant of the simulation cover the finding (same principal reached)? */
function covered(finding: AccessAnalyzerFinding, grants: readonly RiskyGrant[]): boolean {
  if (grants.some((grant) => grant.kind === 'public')) return true;
  if (finding.isPublic) return false;
  const accounts = findingAccounts(finding);
  if (grants.some((grant) => grant.accounts.some((account) => accounts.includes(account)))) return true;
  const services = Object.entries(finding.principal).filter(([kind]) => kind === 'Service').map(([, value]) => value);
  return services.some((service) => grants.some((grant) => grant.kind === 'service-unconfined' && grant.principal.includes(service)));
}

/**
 * The outcome of the findings, given the simulation's grants on the repository policy (Access
 * Analyzer analyses the repository's resource-based policy, not the registry policy).
 */
export function accessAnalyzerOutcome(answer: AccessAnalyzerAnswer | undefined, grants: readonly RiskyGrant[], context: AnalyzerContext): AccessAnalyzerOutcome {
  if (!answer) return { problems: [], notes: [] };
  if ('unreadable' in answer) return { problems: [], notes: [], unreadable: answer.unreadable };
  const { analyzer, findings } = answer;
  const failed = findings.find((finding) => finding.error);
  if (failed) {
    return { problems: [], notes: [], unreadable: { call: LIST_FINDINGS, error: 'AnalysisError', message: `IAM Access Analyzer finding ${failed.id} of analyzer ${analyzer.name} reports that it could not analyse this repository: ${failed.error}` } };
  }
  const label = `IAM Access Analyzer (${analyzer.type} analyzer ${analyzer.name})`;
  const zone = analyzer.type === 'ORGANIZATION' ? 'the organisation' : 'the account';
  const problems: string[] = [];
  const notes: string[] = [];
  const agreeing: string[] = [];
  for (const finding of findings) {
    const inside = insideReason(finding, context);
    if (inside) notes.push(`${label} ${findingText(finding)}: not outside for this rule (${inside})`);
    else if (covered(finding, grants)) {
      agreeing.push(finding.id);
      // Same grant, but AA does not call it public: it counts a condition as restricting that
      // the caller can meet by itself (aws:SourceIp, aws:SourceVpce, ...).
      if (!finding.isPublic && grants.some((grant) => grant.kind === 'public') && Object.keys(finding.condition).length) {
        notes.push(`${label} ${findingText(finding)}: not public for Access Analyzer; the rule's simulation decides (a condition the caller can meet by itself is no boundary)`);
      }
    }
    else if (finding.isPublic) problems.push(`${label} ${findingText(finding)}; the rule's simulation finds no public grant (they disagree: review the repository policy)`);
    else problems.push(`${label} ${findingText(finding)}, outside ${zone}, TrustedAccounts and AllowedPullAccounts; the rule's simulation finds no grant to it (they disagree: review the repository policy)`);
  }
  if (agreeing.length) notes.unshift(`${label} agrees (finding ${agreeing.join(', ')})`);
  else if (grants.length && !problems.length) {
    notes.unshift(`${label} has no active finding for this: it analyses policy changes asynchronously (it may not have re-analysed yet), does not report principals inside its zone of trust (${zone}) and hides archived findings; the rule's simulation decides`);
  } else if (!findings.length) notes.unshift(`${label} agrees (no active finding)`);
  return { problems, notes };
}
