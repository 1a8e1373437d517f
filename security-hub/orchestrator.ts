/**
 * The Security Hub response orchestrator: a Step Functions state machine runs `start` once per
 * Security Hub event, then `poll` for each started automation until it ends.
 *
 * - `start`: maps each finding of the event (mapping.ts), starts the runbook in the finding's
 *   account and region (StartAutomationExecution through the member's Security Hub role, the
 *   runbook running as the member automation role), and sets the finding's workflow to
 *   NOTIFIED with a note naming the execution, or the reason it could not start. NOTIFIED in
 *   both cases: the automatic rule only takes NEW findings, so a note never starts a loop.
 * - `poll`: reads the execution (GetAutomationExecution); when it has ended, RESOLVED with a
 *   note when it succeeded and its success proves the finding resolved, else a note with the
 *   outcome (the failure message, or that it is still running past the waiting limit).
 */
import { GetAutomationExecutionCommand, StartAutomationExecutionCommand, type GetAutomationExecutionCommandOutput, type SSMClient } from '@aws-sdk/client-ssm';
import { BatchUpdateFindingsCommand, type SecurityHubClient } from '@aws-sdk/client-securityhub';
import { awsCall, EcrGuardrailsError } from '../rules/kernel/errors.js';
import type { AsffFinding, FindingIdentifier } from './asff.js';
import { mapFinding, type Ignored, type Remediation } from './mapping.js';
import type { RemediationRoute } from './routes.js';

export const CUSTOM_ACTION_DETAIL_TYPE = 'Security Hub Findings - Custom Action';
export const IMPORTED_DETAIL_TYPE = 'Security Hub Findings - Imported';
/** The member role the orchestrator assumes to start and read automations (created by the member global stack). */
export const SECURITY_HUB_ROLE_NAME = 'EcrGuardrailsSecurityHubRole';
/** Who the notes say wrote them (BatchUpdateFindings Note.UpdatedBy). */
export const NOTE_AUTHOR = 'ecr-guardrails';
/** BatchUpdateFindings Note.Text is at most 512 characters. */
export const NOTE_LIMIT = 512;

/** What the orchestrator calls in a member account (through the member Security Hub role), and in the admin account. */
export const MEMBER_ACTIONS = ['ssm:GetAutomationExecution', 'ssm:StartAutomationExecution'] as const;
export const ADMIN_ACTIONS = ['securityhub:BatchUpdateFindings'] as const;

/** One started automation, as the state machine carries it from `start` to `poll`. */
export interface Run {
  finding: FindingIdentifier;
  account: string;
  region: string;
  partition: string;
  executionId: string;
  documentName: string;
  resourceId: string;
  matched: string;
  resolves: boolean;
  /** Epoch milliseconds after which `poll` stops waiting and says so on the finding. */
  deadline: number;
  /** Consecutive polls that could not read the execution (absent: none). */
  readFailures?: number;
}

export interface StartResult {
  runs: Run[];
  ignored: Ignored[];
  /** Findings that could not be started or noted: the state machine fails with these after polling the others. */
  problems: string[];
}

export interface PollResult {
  done: boolean;
  status: string;
  run: Run;
}

export interface OrchestratorSettings {
  routes: readonly RemediationRoute[];
  automationRoleName: string;
  /** The region the orchestrator runs in: automatic remediation takes only findings of this region. */
  region: string;
  /** Controls remediated without a click, and the accounts that applies to (absent: every account). */
  automatic: { controls: readonly string[]; accounts?: readonly string[] };
  /** How long `poll` waits for an execution before noting that it is still running. */
  maxWaitSeconds: number;
}

export interface OrchestratorClients {
  /** SSM in a member account and region (through the member Security Hub role). */
  ssm(account: string, region: string, partition: string): Promise<SSMClient>;
  /** Security Hub of the administrator account in a region. */
  securityHub(region: string): SecurityHubClient;
  now(): number;
  /** Milliseconds left before the Lambda times out (absent: no limit, as in tests and the CLI). */
  remainingTimeMs?(): number;
}

/**
 * Time the start step keeps in reserve: no new runbook is started with less left, so a timeout
 * never loses runs that were already started (they would be noted NOTIFIED but never followed).
 */
export const START_RESERVE_MS = 20_000;

/** A finding the orchestrator could not note, or an event it cannot read. */
export class SecurityHubResponseError extends EcrGuardrailsError {}

interface SecurityHubEvent {
  'detail-type'?: string;
  detail?: { findings?: unknown };
}

const clip = (text: string): string => (text.length <= NOTE_LIMIT ? text : `${text.slice(0, NOTE_LIMIT - 6)} [...]`);

/** Sets a finding's note and, when given, its workflow status; throws when Security Hub does not process it. */
export async function updateFinding(client: SecurityHubClient, finding: FindingIdentifier, text: string, workflow?: 'NOTIFIED' | 'RESOLVED'): Promise<void> {
  const response = await awsCall('securityhub:BatchUpdateFindings', () =>
    client.send(
      new BatchUpdateFindingsCommand({
        FindingIdentifiers: [finding],
        Note: { Text: clip(text), UpdatedBy: NOTE_AUTHOR },
        ...(workflow ? { Workflow: { Status: workflow } } : {}),
      }),
    ),
  );
  const unprocessed = response.UnprocessedFindings ?? [];
  if (unprocessed.length > 0) {
    throw new SecurityHubResponseError(`securityhub:BatchUpdateFindings did not update ${finding.Id}: ${unprocessed.map((u) => `${u.ErrorCode ?? ''} ${u.ErrorMessage ?? ''}`.trim()).join('; ')}`);
  }
}

/** Why automatic remediation does not take a finding it was given (the EventBridge rule filters too; this is the second check). */
function notAutomatic(finding: AsffFinding, remediation: Remediation, settings: OrchestratorSettings): string | undefined {
  if (remediation.source !== 'control') return 'automatic remediation takes Security Hub control findings only';
  if (!settings.automatic.controls.includes(remediation.matched)) return `control ${remediation.matched} is not configured for automatic remediation`;
  if (settings.automatic.accounts && !settings.automatic.accounts.includes(remediation.account)) return `account ${remediation.account} is not configured for automatic remediation`;
  if (remediation.region !== settings.region) return `the finding is in ${remediation.region}; automatic remediation takes findings of ${settings.region} only (the orchestrator of each region takes its own)`;
  if (finding.Workflow?.Status !== 'NEW') return `workflow status is ${finding.Workflow?.Status ?? 'missing'}, not NEW`;
  return undefined;
}

/**
 * Why the orchestrator could not get into a member account (the member Security Hub role could
 * not be assumed), as the finding's note says it. The role is created by the member global
 * stack, so it exists only in accounts of the target OUs; the Security Hub administrator
 * account is one of them only when it sits in a target OU (docs/security-hub.md).
 */
export function noMemberAccess(account: string, detail: string): string {
  // The explanation comes first and the AWS error last: a note longer than 512 characters is cut at its end.
  return (
    `ecr-guardrails cannot act in account ${account}: it could not assume ${SECURITY_HUB_ROLE_NAME} there. ` +
    'That role exists only in accounts of the deployment\'s target OUs (organizationalUnitIds), where the member stacks are deployed; ' +
    'the Security Hub administrator account\'s own findings are remediable only when it is in a target OU. Nothing was started. ' +
    `(${detail})`
  );
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Starts one automation and notes it on the finding; returns the run (and any note that failed), or throws naming what failed. */
async function startOne(remediation: Remediation, settings: OrchestratorSettings, clients: OrchestratorClients): Promise<{ run: Run; problem?: string }> {
  const { route } = remediation;
  const where = `${remediation.account}/${remediation.region}`;
  const hub = clients.securityHub(remediation.region);
  let ssm: SSMClient;
  try {
    ssm = await clients.ssm(remediation.account, remediation.region, remediation.partition);
  } catch (error) {
    const text = noMemberAccess(remediation.account, messageOf(error));
    await updateFinding(hub, remediation.finding, text, 'NOTIFIED');
    throw new SecurityHubResponseError(`${remediation.finding.Id}: ${text}`, { cause: error });
  }
  let executionId: string;
  try {
    const response = await awsCall('ssm:StartAutomationExecution', () =>
      ssm.send(new StartAutomationExecutionCommand({ DocumentName: route.documentName, Parameters: remediation.parameters })),
    );
    if (!response.AutomationExecutionId) throw new SecurityHubResponseError('ssm:StartAutomationExecution returned no AutomationExecutionId');
    executionId = response.AutomationExecutionId;
  } catch (error) {
    const message = messageOf(error);
    await updateFinding(hub, remediation.finding, `ecr-guardrails could not start ${route.documentName} in ${where} for ${remediation.resourceId}: ${message}`, 'NOTIFIED');
    throw new SecurityHubResponseError(`${remediation.finding.Id}: ${route.documentName} did not start in ${where}: ${message}`, { cause: error });
  }
  const run: Run = {
    finding: remediation.finding,
    account: remediation.account,
    region: remediation.region,
    partition: remediation.partition,
    executionId,
    documentName: route.documentName,
    resourceId: remediation.resourceId,
    matched: remediation.matched,
    resolves: remediation.resolves,
    deadline: clients.now() + settings.maxWaitSeconds * 1000,
  };
  try {
    await updateFinding(hub, remediation.finding, `ecr-guardrails started ${route.documentName}, automation execution ${executionId}, in ${where} for ${remediation.resourceId} (${remediation.matched}).`, 'NOTIFIED');
  } catch (error) {
    // The runbook is running: it is still followed, so its outcome reaches the finding; the missing note is reported.
    return { run, problem: `${remediation.finding.Id}: ${route.documentName} started (execution ${executionId}) but the NOTIFIED note failed: ${messageOf(error)}` };
  }
  return { run };
}

/** Maps every finding of a custom action or an "Imported" event and starts the automations. */
export async function start(event: unknown, settings: OrchestratorSettings, clients: OrchestratorClients): Promise<StartResult> {
  const e = event as SecurityHubEvent;
  const type = e?.['detail-type'];
  if (type !== CUSTOM_ACTION_DETAIL_TYPE && type !== IMPORTED_DETAIL_TYPE) throw new SecurityHubResponseError(`not a Security Hub findings event: detail-type ${String(type)}`);
  const findings = e.detail?.findings;
  if (!Array.isArray(findings)) throw new SecurityHubResponseError(`the ${type} event carries no findings array`);
  const result: StartResult = { runs: [], ignored: [], problems: [] };
  const deferred: { finding: FindingIdentifier; region: string }[] = [];
  for (const finding of findings as unknown[]) {
    const mapped = mapFinding(finding, { routes: settings.routes, automationRoleName: settings.automationRoleName });
    if (mapped.kind === 'ignored') {
      result.ignored.push({ ...(mapped.finding ? { finding: mapped.finding } : {}), reason: mapped.reason });
      continue;
    }
    const reason = type === IMPORTED_DETAIL_TYPE ? notAutomatic(finding as AsffFinding, mapped.remediation, settings) : undefined;
    if (reason) {
      result.ignored.push({ finding: mapped.remediation.finding, reason });
      continue;
    }
    if (clients.remainingTimeMs && clients.remainingTimeMs() < START_RESERVE_MS) {
      deferred.push({ finding: mapped.remediation.finding, region: mapped.remediation.region });
      continue;
    }
    try {
      const { run, problem } = await startOne(mapped.remediation, settings, clients);
      result.runs.push(run);
      if (problem) result.problems.push(problem);
    } catch (error) {
      result.problems.push(messageOf(error));
    }
  }
  if (deferred.length > 0) await deferStarts(deferred, result, clients);
  return result;
}

/** Notes the findings the start step had no time left for (workflow unchanged, so they can be sent again) and reports them. */
async function deferStarts(deferred: { finding: FindingIdentifier; region: string }[], result: StartResult, clients: OrchestratorClients): Promise<void> {
  const text = `ecr-guardrails did not start a runbook for this finding: the event carried more findings than one start step can handle in time (${result.runs.length} started). Nothing was changed; send the finding to the custom action again.`;
  for (const { finding, region } of deferred) {
    try {
      await updateFinding(clients.securityHub(region), finding, text);
    } catch (error) {
      result.problems.push(`${finding.Id}: could not note that it was not started: ${messageOf(error)}`);
    }
  }
  result.problems.push(`${deferred.length} finding(s) not started for lack of time in the start step: ${deferred.map((d) => d.finding.Id).join(', ')}`);
}

/** Consecutive failed reads of an execution after which `poll` notes it and stops following it. */
export const MAX_READ_FAILURES = 5;

/** Statuses after which an execution does nothing more (AutomationExecutionStatus). */
const SUCCEEDED = new Set(['Success', 'CompletedWithSuccess']);
const ENDED_OTHERWISE = new Set(['Failed', 'TimedOut', 'Cancelled', 'Rejected', 'CompletedWithFailure', 'ChangeCalendarOverrideRejected', 'Exited']);

/** Reads one execution; when it has ended (or the wait is over), writes the outcome on the finding. */
export async function poll(input: Run, clients: OrchestratorClients): Promise<PollResult> {
  const hub = clients.securityHub(input.region);
  const what = `${input.documentName} execution ${input.executionId} (${input.account}/${input.region}, ${input.resourceId})`;
  let response: GetAutomationExecutionCommandOutput;
  try {
    const ssm = await clients.ssm(input.account, input.region, input.partition);
    response = await awsCall('ssm:GetAutomationExecution', () => ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId: input.executionId })));
  } catch (error) {
    // A read that keeps failing (the execution gone, the member role removed) must end with a note, not a failed
    // state machine that stops following the other runs and leaves the finding NOTIFIED without a word.
    const readFailures = (input.readFailures ?? 0) + 1;
    const run = { ...input, readFailures };
    if (readFailures < MAX_READ_FAILURES && clients.now() < input.deadline) return { done: false, status: 'Unreadable', run };
    await updateFinding(hub, input.finding, `ecr-guardrails could not read ${what} after ${readFailures} failed read${readFailures === 1 ? '' : 's'} and stopped following it; check the execution in Systems Manager. ${messageOf(error)}`);
    return { done: true, status: 'Unreadable', run };
  }
  const { readFailures: _readFailures, ...run } = input;
  const execution = response.AutomationExecution;
  const status = execution?.AutomationExecutionStatus ?? 'unknown';
  if (SUCCEEDED.has(status)) {
    if (run.resolves) await updateFinding(hub, run.finding, `${what} succeeded: the runbook verified the resource; resolved by ecr-guardrails.`, 'RESOLVED');
    else await updateFinding(hub, run.finding, `${what} succeeded, but this rule also reports problems no runbook fixes (e.g. vulnerabilities): the finding stays open until the rule evaluates the resource again.`);
    return { done: true, status, run };
  }
  if (ENDED_OTHERWISE.has(status)) {
    await updateFinding(hub, run.finding, `${what} ended ${status}: ${execution?.FailureMessage ?? 'no failure message'}`);
    return { done: true, status, run };
  }
  if (clients.now() >= run.deadline) {
    await updateFinding(hub, run.finding, `${what} is still ${status}; ecr-guardrails stopped waiting for it. Check the execution in Systems Manager.`);
    return { done: true, status, run };
  }
  return { done: false, status, run };
}
