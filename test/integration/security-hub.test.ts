/**
 * The Security Hub response end to end against the emulator: a FAILED ECR.2 finding (and one
 * of our own Config rule, and one of a control we do not handle) is imported into the
 * emulator's Security Hub, read back with GetFindings, sent as a custom action event through
 * the orchestrator's `start` and then `poll` (the steps of the state machine, which the
 * emulator does not run), with the member role assumed through STS. The repository ends
 * IMMUTABLE and the finding RESOLVED with notes naming the execution.
 *
 * Where the emulator stops, the test stands in, and says so:
 * - SSM stores documents but runs no automation: StartAutomationExecution runs the runbook with
 *   the project's SSM interpreter (test/support/ssm), whose API calls go to the emulator;
 *   GetAutomationExecution answers with that run's outcome.
 * - Security Hub has no BatchUpdateFindings: the update is applied to the stored finding
 *   (Workflow, Note) and re-imported with BatchImportFindings, so GetFindings shows it.
 * The automatic rule's pattern is checked on the "Imported" event of the stored finding, before
 * and after the orchestrator's update, with the project's EventBridge matcher
 * (detections/kernel/match.ts): the emulator's TestEventPattern does not descend into arrays of
 * objects (`detail.findings`), which EventBridge does
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-arrays.html);
 * the test pins that difference so it is noticed when the emulator changes.
 */
import { randomUUID } from 'node:crypto';
import { DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import { EventBridgeClient, TestEventPatternCommand } from '@aws-sdk/client-eventbridge';
import { matchesPattern, type EventPattern } from '../../detections/kernel/match.js';
import { BatchImportFindingsCommand, BatchUpdateFindingsCommand, GetFindingsCommand, SecurityHubClient, type AwsSecurityFinding, type BatchUpdateFindingsCommandInput } from '@aws-sdk/client-securityhub';
import { GetAutomationExecutionCommand, StartAutomationExecutionCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRunbooks } from '../../automations/catalog.js';
import { configRuleName } from '../../infra/names.js';
import { automaticPattern } from '../../infra/security-hub.js';
import { RULES } from '../../rules/index.js';
import { EvaluationRoleCredentials } from '../../rules/kernel/credentials.js';
import { parseRuleParameters } from '../../rules/kernel/parameters.js';
import { AUTOMATION_ROLE_NAME } from '../../rules/names.js';
import { SECURITY_HUB_ROLE_NAME } from '../../security-hub/handler.js';
import { poll, start, type OrchestratorClients, type OrchestratorSettings } from '../../security-hub/orchestrator.js';
import { remediationRoutes } from '../../security-hub/routes.js';
import { runAutomation, type ExecutionResult } from '../support/ssm/interpreter.js';
import { configRuleFinding, controlFinding, customActionEvent, importedEvent } from '../security-hub/findings.js';
import { createRepository, pushImage } from './seed/ecr-helpers.js';
import { clientsFor, EMULATOR_ACCOUNT, unique, useEmulator } from './support/emulator.js';

// A region no other integration test seeds (cli.test.ts scans eu-north-1 and expects only its own repositories there).
const REGION = 'eu-south-2';
const RUNBOOKS = new Map(loadRunbooks().map((runbook) => [runbook.name, runbook]));
const routes = remediationRoutes(RULES, [...RUNBOOKS.values()], (rule) => parseRuleParameters(rule.id, rule.parameters, {}), configRuleName);
const settings: OrchestratorSettings = { routes, automationRoleName: AUTOMATION_ROLE_NAME, region: REGION, automatic: { controls: ['ECR.2'] }, maxWaitSeconds: 600 };

/** StartAutomationExecution and GetAutomationExecution, with the project's interpreter running the deployed runbook. */
class InterpretedAutomation {
  readonly executions = new Map<string, ExecutionResult & { document: string }>();

  async send(command: unknown): Promise<unknown> {
    if (command instanceof StartAutomationExecutionCommand) {
      const { DocumentName, Parameters } = command.input;
      const runbook = [...RUNBOOKS.values()].find((r) => r.documentName === DocumentName);
      if (!runbook) throw Object.assign(new Error(`Document ${DocumentName} does not exist`), { name: 'InvalidAutomationExecutionParametersException' });
      // SSM takes every parameter as a list; a String parameter gets its one value.
      const declared = runbook.document.parameters ?? {};
      const parameters = Object.fromEntries(Object.entries(Parameters ?? {}).map(([name, values]) => [name, declared[name]?.type === 'StringList' ? values : values[0]]));
      const result = await runAutomation(runbook, { parameters, region: REGION, variables: { 'global:ACCOUNT_ID': EMULATOR_ACCOUNT } });
      const id = randomUUID();
      this.executions.set(id, { ...result, document: DocumentName! });
      return { AutomationExecutionId: id };
    }
    if (command instanceof GetAutomationExecutionCommand) {
      const run = this.executions.get(command.input.AutomationExecutionId!);
      if (!run) throw Object.assign(new Error('execution not found'), { name: 'AutomationExecutionNotFoundException' });
      return { AutomationExecution: { AutomationExecutionId: command.input.AutomationExecutionId, DocumentName: run.document, AutomationExecutionStatus: run.status, ...(run.failureMessage ? { FailureMessage: run.failureMessage } : {}) } };
    }
    throw new Error(`unexpected SSM command ${(command as object).constructor.name}`);
  }
}

/** The emulator's Security Hub, with BatchUpdateFindings applied to the stored finding and re-imported. */
class EmulatedSecurityHub {
  readonly inner = new SecurityHubClient({ region: REGION });
  readonly updates: BatchUpdateFindingsCommandInput[] = [];

  async send(command: unknown): Promise<unknown> {
    if (command instanceof BatchUpdateFindingsCommand) return this.update(command.input);
    return this.inner.send(command as GetFindingsCommand);
  }

  private async update(input: BatchUpdateFindingsCommandInput): Promise<unknown> {
    this.updates.push(input);
    const ids = (input.FindingIdentifiers ?? []).map((f) => f.Id);
    const { Findings = [] } = await this.inner.send(new GetFindingsCommand({}));
    const updated = Findings.filter((f) => ids.includes(f.Id)).map((f): AwsSecurityFinding => ({
      ...f,
      ...(input.Workflow?.Status ? { Workflow: { Status: input.Workflow.Status } } : {}),
      ...(input.Note ? { Note: { Text: input.Note.Text!, UpdatedBy: input.Note.UpdatedBy!, UpdatedAt: new Date().toISOString() } } : {}),
    }));
    if (updated.length) await this.inner.send(new BatchImportFindingsCommand({ Findings: updated }));
    const found = new Set(updated.map((f) => f.Id));
    return {
      ProcessedFindings: input.FindingIdentifiers!.filter((f) => found.has(f.Id)),
      UnprocessedFindings: input.FindingIdentifiers!.filter((f) => !found.has(f.Id)).map((f) => ({ FindingIdentifier: f, ErrorCode: 'FindingNotFound', ErrorMessage: 'Finding Not Found' })),
    };
  }
}

describe('Security Hub response against the emulator', () => {
  let hub: EmulatedSecurityHub;
  let ssm: InterpretedAutomation;
  let clients: OrchestratorClients;
  let events: EventBridgeClient;
  let repository: string;
  let second: string;
  const assumed: string[] = [];

  async function stored(id: string): Promise<AwsSecurityFinding> {
    const { Findings = [] } = await hub.inner.send(new GetFindingsCommand({}));
    const finding = Findings.find((f) => f.Id === id);
    if (!finding) throw new Error(`finding ${id} is not in the emulator's Security Hub`);
    return finding;
  }

  async function importFinding(finding: Record<string, unknown>): Promise<AwsSecurityFinding> {
    const response = await hub.inner.send(new BatchImportFindingsCommand({ Findings: [finding as unknown as AwsSecurityFinding] }));
    expect(response.FailedCount).toBe(0);
    return stored(finding['Id'] as string);
  }

  const repositoryArn = (name: string): string => `arn:aws:ecr:${REGION}:${EMULATOR_ACCOUNT}:repository/${name}`;
  const inEmulator = (overrides: Record<string, unknown>): Record<string, unknown> => ({ AwsAccountId: EMULATOR_ACCOUNT, Region: REGION, ...overrides });

  async function mutability(name: string): Promise<string | undefined> {
    const { repositories = [] } = await clientsFor({ region: REGION, accountId: EMULATOR_ACCOUNT }).ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }));
    return repositories[0]?.imageTagMutability;
  }

  beforeAll(async () => {
    const endpoint = useEmulator();
    const ctx = { clients: clientsFor({ region: REGION, accountId: EMULATOR_ACCOUNT }), scope: { region: REGION, accountId: EMULATOR_ACCOUNT } };
    repository = await createRepository(ctx as never, unique('shub-mutable'), { imageTagMutability: 'MUTABLE' });
    await pushImage(ctx as never, repository, 'v1');
    second = await createRepository(ctx as never, unique('shub-auto'), { imageTagMutability: 'MUTABLE' });
    hub = new EmulatedSecurityHub();
    ssm = new InterpretedAutomation();
    const credentials = new EvaluationRoleCredentials(SECURITY_HUB_ROLE_NAME, 'ecr-guardrails-security-hub', new STSClient({ region: REGION }));
    clients = {
      ssm: async (account, _region, partition) => {
        assumed.push((await credentials.forAccount(partition, account)).accessKeyId);
        return ssm as unknown as SSMClient;
      },
      securityHub: () => hub as unknown as SecurityHubClient,
      now: Date.now,
    };
    events = new EventBridgeClient({ region: REGION, endpoint });
  });

  it('remediates a FAILED ECR.2 finding from a custom action: runbook run in the finding\'s account and region, finding NOTIFIED then RESOLVED', async () => {
    const finding = await importFinding(
      controlFinding('ECR.2', inEmulator({
        Id: `arn:aws:securityhub:${REGION}:${EMULATOR_ACCOUNT}:security-control/ECR.2/finding/${randomUUID()}`,
        ProductArn: `arn:aws:securityhub:${REGION}::product/aws/securityhub`,
        Resources: [{ Type: 'AwsEcrRepository', Id: repositoryArn(repository), Partition: 'aws', Region: REGION }],
      })),
    );
    const other = await importFinding(controlFinding('S3.1', inEmulator({ Id: `arn:aws:securityhub:${REGION}:${EMULATOR_ACCOUNT}:security-control/S3.1/finding/${randomUUID()}`, ProductArn: `arn:aws:securityhub:${REGION}::product/aws/securityhub`, Resources: [{ Type: 'AwsAccount', Id: `AWS::::Account:${EMULATOR_ACCOUNT}` }] })));
    expect(await mutability(repository)).toBe('MUTABLE');

    const started = await start(customActionEvent([finding, other], REGION), settings, clients);
    expect(started.problems).toEqual([]);
    expect(started.ignored).toEqual([{ finding: { Id: other.Id, ProductArn: other.ProductArn }, reason: 'control S3.1 is not one ecr-guardrails remediates' }]);
    expect(started.runs).toHaveLength(1);
    const [run] = started.runs;
    expect(run).toMatchObject({ account: EMULATOR_ACCOUNT, region: REGION, documentName: 'EcrGuardrails-EnableEcrTagImmutability', resourceId: repository, matched: 'ECR.2', resolves: true });
    expect(assumed).toHaveLength(1);
    const notified = await stored(finding.Id!);
    expect(notified.Workflow?.Status).toBe('NOTIFIED');
    expect(notified.Note?.Text).toContain(`automation execution ${run!.executionId}`);
    expect((await stored(other.Id!)).Workflow?.Status).toBe('NEW');

    const polled = await poll(run!, clients);
    expect(polled).toMatchObject({ done: true, status: 'Success' });
    expect(await mutability(repository)).toBe('IMMUTABLE');
    const resolved = await stored(finding.Id!);
    expect(resolved.Workflow?.Status).toBe('RESOLVED');
    expect(resolved.Note).toMatchObject({ UpdatedBy: 'ecr-guardrails', Text: expect.stringContaining(`execution ${run!.executionId}`) as unknown });
  });

  it('remediates a finding of our own Config rule as Security Hub receives it from AWS Config, and an automatic one; the automatic pattern lets it through only while NEW', async () => {
    const ours = await importFinding(configRuleFinding('ecr-guardrails-ecr-tag-immutability', { Type: 'AwsEcrRepository', Id: repositoryArn(repository) }, inEmulator({ Id: `arn:aws:config:${REGION}:${EMULATOR_ACCOUNT}:config-rule/config-rule-ab12cd/finding/${randomUUID()}`, ProductArn: `arn:aws:securityhub:${REGION}::product/aws/config` })));
    const fromConfig = await start(customActionEvent([ours], REGION), settings, clients);
    expect(fromConfig.runs.map((r) => [r.documentName, r.resourceId])).toEqual([['EcrGuardrails-EnableEcrTagImmutability', repository]]);
    // Already immutable: the runbook changes nothing and succeeds.
    expect((await poll(fromConfig.runs[0]!, clients)).status).toBe('Success');
    expect((await stored(ours.Id!)).Workflow?.Status).toBe('RESOLVED');

    const automatic = await importFinding(
      controlFinding('ECR.2', inEmulator({
        Id: `arn:aws:securityhub:${REGION}:${EMULATOR_ACCOUNT}:security-control/ECR.2/finding/${randomUUID()}`,
        ProductArn: `arn:aws:securityhub:${REGION}::product/aws/securityhub`,
        Resources: [{ Type: 'AwsEcrRepository', Id: repositoryArn(second), Partition: 'aws', Region: REGION }],
      })),
    );
    const pattern = automaticPattern(['ECR.2'], [EMULATOR_ACCOUNT], REGION) as EventPattern;
    const matches = async (finding: AwsSecurityFinding): Promise<boolean> => matchesPattern(importedEvent([finding], REGION, EMULATOR_ACCOUNT), pattern);
    expect(await matches(automatic)).toBe(true);
    const emulator = await events.send(new TestEventPatternCommand({ EventPattern: JSON.stringify(pattern), Event: JSON.stringify(importedEvent([automatic], REGION, EMULATOR_ACCOUNT)) }));
    expect(emulator.Result, 'the emulator\'s matcher does not descend into arrays of objects; if this fails, it now does: assert with TestEventPattern instead').toBe(false);

    const result = await start(importedEvent([automatic], REGION, EMULATOR_ACCOUNT), settings, clients);
    expect(result.runs).toHaveLength(1);
    // Our own NOTIFIED update comes back as an "Imported" event: the pattern drops it, so no loop.
    expect(await matches(await stored(automatic.Id!))).toBe(false);
    await poll(result.runs[0]!, clients);
    expect(await mutability(second)).toBe('IMMUTABLE');
    expect((await stored(automatic.Id!)).Workflow?.Status).toBe('RESOLVED');
  });
});
