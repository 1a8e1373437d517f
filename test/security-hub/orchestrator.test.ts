/**
 * The orchestrator's calls, against mocked clients answering as the APIs document:
 * StartAutomationExecution (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_StartAutomationExecution.html),
 * GetAutomationExecution (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetAutomationExecution.html),
 * BatchUpdateFindings (https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_BatchUpdateFindings.html).
 */
import { BatchUpdateFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { GetAutomationExecutionCommand, SSMClient, StartAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadRunbooks } from '../../automations/catalog.js';
import { configRuleName } from '../../infra/names.js';
import { RULES } from '../../rules/index.js';
import { EvaluationRoleCredentials } from '../../rules/kernel/credentials.js';
import { parseRuleParameters } from '../../rules/kernel/parameters.js';
import { AUTOMATION_ROLE_NAME } from '../../rules/names.js';
import { handler, lambdaClients, SECURITY_HUB_ROLE_NAME, settingsFromEnvironment } from '../../security-hub/handler.js';
import { MAX_READ_FAILURES, poll, start, START_RESERVE_MS, type OrchestratorClients, type OrchestratorSettings, type Run } from '../../security-hub/orchestrator.js';
import { remediationRoutes } from '../../security-hub/routes.js';
import { ACCOUNT, REGION, REPOSITORY, VPC_ID, configRuleFinding, controlFinding, customActionEvent, importedEvent, repositoryArn } from './findings.js';

const ssm = mockClient(SSMClient);
const hub = mockClient(SecurityHubClient);
const routes = remediationRoutes(RULES, loadRunbooks(), (rule) => parseRuleParameters(rule.id, rule.parameters, {}), configRuleName);
const settings: OrchestratorSettings = { routes, automationRoleName: AUTOMATION_ROLE_NAME, region: REGION, automatic: { controls: ['EC2.56', 'ECR.2'], accounts: [ACCOUNT] }, maxWaitSeconds: 3600 };
const NOW = Date.parse('2026-11-28T10:00:05Z');
const EXECUTION = '4105a4fc-f944-11e6-9d32-0123456789ab';

let ssmCalls: string[];
function clients(now = NOW): OrchestratorClients {
  return {
    ssm: async (account, region, partition) => {
      ssmCalls.push(`${partition}/${account}/${region}`);
      return new SSMClient({ region });
    },
    securityHub: (region) => new SecurityHubClient({ region }),
    now: () => now,
  };
}

beforeEach(() => {
  ssm.reset();
  hub.reset();
  ssmCalls = [];
  ssm.on(StartAutomationExecutionCommand).resolves({ AutomationExecutionId: EXECUTION });
  hub.on(BatchUpdateFindingsCommand).callsFake((input: { FindingIdentifiers: { Id: string; ProductArn: string }[] }) => ({ ProcessedFindings: input.FindingIdentifiers, UnprocessedFindings: [] }));
});

const notes = (): { Id: string; Status?: string; Text: string }[] =>
  hub.commandCalls(BatchUpdateFindingsCommand).map((call) => ({
    Id: call.args[0].input.FindingIdentifiers![0]!.Id!,
    ...(call.args[0].input.Workflow?.Status ? { Status: call.args[0].input.Workflow.Status } : {}),
    Text: call.args[0].input.Note!.Text!,
  }));

describe('start: a custom action', () => {
  it('starts the runbook of each remediable finding in its account and region, notes it NOTIFIED naming the execution, and ignores the others', async () => {
    const vpc = controlFinding('EC2.56');
    const other = controlFinding('S3.1');
    const ours = configRuleFinding('ecr-guardrails-ecr-tag-immutability', { Type: 'AwsEcrRepository', Id: repositoryArn() });
    const result = await start(customActionEvent([vpc, other, ours]), settings, clients());

    expect(ssmCalls).toEqual([`aws/${ACCOUNT}/${REGION}`, `aws/${ACCOUNT}/${REGION}`]);
    expect(ssm).toHaveReceivedCommandTimes(StartAutomationExecutionCommand, 2);
    expect(ssm).toHaveReceivedNthCommandWith(StartAutomationExecutionCommand, 1, {
      DocumentName: 'EcrGuardrails-CreateEcrVpcEndpoints',
      Parameters: { VpcId: [VPC_ID], Services: ['ecr.api,ecr.dkr,s3'], RequireAllWorkloadAzs: ['false'], AutomationAssumeRole: [`arn:aws:iam::${ACCOUNT}:role/${AUTOMATION_ROLE_NAME}`] },
    });
    expect(ssm).toHaveReceivedNthCommandWith(StartAutomationExecutionCommand, 2, {
      DocumentName: 'EcrGuardrails-EnableEcrTagImmutability',
      Parameters: { RepositoryName: [REPOSITORY], Mode: ['IMMUTABLE'], AutomationAssumeRole: [`arn:aws:iam::${ACCOUNT}:role/${AUTOMATION_ROLE_NAME}`] },
    });
    expect(hub).toHaveReceivedCommandWith(BatchUpdateFindingsCommand, {
      FindingIdentifiers: [{ Id: vpc.Id!, ProductArn: vpc.ProductArn! }],
      Workflow: { Status: 'NOTIFIED' },
      Note: { Text: `ecr-guardrails started EcrGuardrails-CreateEcrVpcEndpoints, automation execution ${EXECUTION}, in ${ACCOUNT}/${REGION} for ${VPC_ID} (EC2.56).`, UpdatedBy: 'ecr-guardrails' },
    });
    expect(notes().map((n) => n.Id)).toEqual([vpc.Id, ours.Id]);

    expect(result.runs).toEqual([
      { finding: { Id: vpc.Id, ProductArn: vpc.ProductArn }, account: ACCOUNT, region: REGION, partition: 'aws', executionId: EXECUTION, documentName: 'EcrGuardrails-CreateEcrVpcEndpoints', resourceId: VPC_ID, matched: 'EC2.56', resolves: true, deadline: NOW + 3600_000 },
      expect.objectContaining({ documentName: 'EcrGuardrails-EnableEcrTagImmutability', matched: 'ecr-guardrails-ecr-tag-immutability', resourceId: REPOSITORY }),
    ]);
    expect(result.ignored).toEqual([{ finding: { Id: other.Id, ProductArn: other.ProductArn }, reason: 'control S3.1 is not one ecr-guardrails remediates' }]);
    expect(result.problems).toEqual([]);
  });

  it('takes a custom action on a finding whose workflow is already NOTIFIED (a person asked again)', async () => {
    const result = await start(customActionEvent([controlFinding('ECR.2', { Workflow: { Status: 'NOTIFIED' } })]), settings, clients());
    expect(result.runs).toHaveLength(1);
  });

  it('notes a runbook that could not start on the finding (NOTIFIED, so no automatic loop) and reports it, still starting the others', async () => {
    const denied = Object.assign(new Error('User: arn:aws:sts::444455556666:assumed-role/EcrGuardrailsSecurityHubRole/ecr-guardrails-security-hub is not authorized to perform: ssm:StartAutomationExecution'), { name: 'AccessDeniedException' });
    ssm.on(StartAutomationExecutionCommand, { DocumentName: 'EcrGuardrails-EnableEcrTagImmutability' }).rejects(denied);
    const ecr2 = controlFinding('ECR.2');
    const result = await start(customActionEvent([ecr2, controlFinding('ECR.3')]), settings, clients());
    expect(result.runs.map((r) => r.documentName)).toEqual(['EcrGuardrails-ApplyEcrLifecyclePolicy']);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toContain('EcrGuardrails-EnableEcrTagImmutability did not start');
    expect(notes()[0]).toMatchObject({ Id: ecr2.Id, Status: 'NOTIFIED' });
    expect(notes()[0]!.Text).toMatch(/^ecr-guardrails could not start EcrGuardrails-EnableEcrTagImmutability in 444455556666\/eu-west-3 for team-a\/payments-api: ssm:StartAutomationExecution failed.*not authorized/);
  });

  it('reports a NOTIFIED note Security Hub did not process, and still follows the runbook it started (its outcome still reaches the finding)', async () => {
    hub.on(BatchUpdateFindingsCommand).resolves({ ProcessedFindings: [], UnprocessedFindings: [{ FindingIdentifier: { Id: 'x', ProductArn: 'y' }, ErrorCode: 'FindingNotFound', ErrorMessage: 'Finding Not Found' }] });
    const result = await start(customActionEvent([controlFinding('ECR.2')]), settings, clients());
    expect(ssm).toHaveReceivedCommandTimes(StartAutomationExecutionCommand, 1);
    expect(result.runs).toEqual([expect.objectContaining({ executionId: EXECUTION, documentName: 'EcrGuardrails-EnableEcrTagImmutability' })]);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toContain(`started (execution ${EXECUTION}) but the NOTIFIED note failed`);
    expect(result.problems[0]).toContain('FindingNotFound Finding Not Found');
  });

  it('notes why nothing started for a finding of an account without the member role (e.g. the Security Hub administrator account outside the target OUs), and reports it', async () => {
    const ADMIN_ACCOUNT = '111122223333';
    const sts = mockClient(STSClient);
    // STS answers AccessDenied when the role does not exist or does not trust the caller (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html).
    sts.on(AssumeRoleCommand).rejects(Object.assign(new Error(`User: arn:aws:sts::${ADMIN_ACCOUNT}:assumed-role/EcrGuardrailsSecurityHub-${REGION}/EcrGuardrails-SecurityHub is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${ADMIN_ACCOUNT}:role/${SECURITY_HUB_ROLE_NAME}`), { name: 'AccessDenied' }));
    try {
      const live = lambdaClients(new EvaluationRoleCredentials(SECURITY_HUB_ROLE_NAME, 'ecr-guardrails-security-hub', new STSClient({}), () => NOW));
      const finding = controlFinding('ECR.2', { AwsAccountId: ADMIN_ACCOUNT, Resources: [{ Type: 'AwsEcrRepository', Id: repositoryArn(REPOSITORY, ADMIN_ACCOUNT) }] });
      const result = await start(customActionEvent([finding], REGION, ADMIN_ACCOUNT), settings, live);
      expect(ssm).not.toHaveReceivedCommand(StartAutomationExecutionCommand);
      expect(result.runs).toEqual([]);
      expect(notes()).toHaveLength(1);
      expect(notes()[0]).toMatchObject({ Id: finding.Id, Status: 'NOTIFIED' });
      const text = notes()[0]!.Text;
      expect(text.startsWith(`ecr-guardrails cannot act in account ${ADMIN_ACCOUNT}: it could not assume ${SECURITY_HUB_ROLE_NAME} there. `)).toBe(true);
      expect(text).toContain(`(sts:AssumeRole arn:aws:iam::${ADMIN_ACCOUNT}:role/${SECURITY_HUB_ROLE_NAME} failed: AccessDenied`);
      expect(text).toContain('target OUs (organizationalUnitIds)');
      expect(text).toContain('the Security Hub administrator account\'s own findings are remediable only when it is in a target OU. Nothing was started.');
      expect(text.length).toBeLessThanOrEqual(512);
      expect(result.problems).toHaveLength(1);
      expect(result.problems[0]).toContain(`cannot act in account ${ADMIN_ACCOUNT}`);
    } finally {
      sts.restore();
    }
  });

  it('starts no runbook with less than the reserve left before the Lambda timeout: the rest are noted (workflow unchanged) and reported, the started ones still followed', async () => {
    const [first, second, third] = [controlFinding('ECR.2'), controlFinding('ECR.3'), controlFinding('EC2.56')];
    const left = [120_000, START_RESERVE_MS - 1, START_RESERVE_MS - 1];
    const result = await start(customActionEvent([first, second, third]), settings, { ...clients(), remainingTimeMs: () => left.shift() ?? 0 });
    expect(ssm).toHaveReceivedCommandTimes(StartAutomationExecutionCommand, 1);
    expect(result.runs.map((r) => r.finding.Id)).toEqual([first.Id]);
    expect(notes().slice(1)).toEqual([second, third].map((f) => ({ Id: f.Id, Text: expect.stringContaining('did not start a runbook for this finding: the event carried more findings than one start step can handle in time (1 started)') as unknown })));
    expect(result.problems).toEqual([`2 finding(s) not started for lack of time in the start step: ${second.Id}, ${third.Id}`]);
  });

  it('ignores malformed findings with the reason and still starts the well-formed ones of the same event', async () => {
    const ecr2 = controlFinding('ECR.2');
    const event = customActionEvent([
      null,
      42,
      controlFinding('ECR.3', { Resources: { Type: 'AwsEcrRepository' } as never }),
      controlFinding('EC2.56', { Resources: [null] as never }),
      controlFinding('ECR.1', { ProductFields: 'x' as never }),
      controlFinding('ECR.1', { Resources: [{ Type: 'AwsEcrRepository', Id: 42 as never }] }),
      ecr2,
    ]);
    const result = await start(event, settings, clients());
    expect(result.ignored.map((i) => i.reason)).toEqual([
      'not an ASFF finding (null)',
      'not an ASFF finding (number)',
      'malformed finding: Resources is not an array of objects',
      'malformed finding: Resources is not an array of objects',
      'malformed finding: ProductFields is not an object',
      'resource id  is not an ARN',
    ]);
    expect(result.runs.map((r) => r.finding.Id)).toEqual([ecr2.Id]);
    expect(result.problems).toEqual([]);
  });

  it('rejects an event that is not a Security Hub findings event', async () => {
    await expect(start({ 'detail-type': 'AWS API Call via CloudTrail', detail: {} }, settings, clients())).rejects.toThrow(/not a Security Hub findings event/);
    await expect(start({ 'detail-type': 'Security Hub Findings - Custom Action', detail: {} }, settings, clients())).rejects.toThrow(/no findings array/);
  });
});

describe('start: automatic remediation of imported findings', () => {
  it.each([
    ['a configured control, account and region, workflow NEW', controlFinding('EC2.56'), null],
    ['a control not configured for automatic remediation', controlFinding('ECR.3'), /control ECR.3 is not configured/],
    ['an account not configured', controlFinding('ECR.2', { AwsAccountId: '777788889999', Resources: [{ Type: 'AwsEcrRepository', Id: repositoryArn(REPOSITORY, '777788889999') }] }), /account 777788889999 is not configured/],
    ['a finding of another region', controlFinding('ECR.2', { Region: 'us-east-1', Resources: [{ Type: 'AwsEcrRepository', Id: repositoryArn(REPOSITORY, ACCOUNT, 'us-east-1') }] }), /in us-east-1; automatic remediation takes findings of eu-west-3 only/],
    ['a finding already NOTIFIED (our own note)', controlFinding('ECR.2', { Workflow: { Status: 'NOTIFIED' } }), /NOTIFIED, not NEW/],
    ['a finding of our own Config rule', configRuleFinding('ecr-guardrails-ecr-tag-immutability', { Type: 'AwsEcrRepository', Id: repositoryArn() }), /control findings only/],
  ])('%s', async (_case, finding, reason) => {
    const result = await start(importedEvent([finding]), settings, clients());
    if (reason === null) {
      expect(result.runs).toHaveLength(1);
      expect(ssm).toHaveReceivedCommandTimes(StartAutomationExecutionCommand, 1);
    } else {
      expect(result.runs).toEqual([]);
      expect(result.ignored[0]!.reason).toMatch(reason);
      expect(ssm).not.toHaveReceivedCommand(StartAutomationExecutionCommand);
      expect(hub).not.toHaveReceivedCommand(BatchUpdateFindingsCommand);
    }
  });

  it('takes every account when no accounts are configured', async () => {
    const anyAccount = { ...settings, automatic: { controls: ['ECR.2'] } };
    const finding = controlFinding('ECR.2', { AwsAccountId: '777788889999', Resources: [{ Type: 'AwsEcrRepository', Id: repositoryArn(REPOSITORY, '777788889999') }] });
    expect((await start(importedEvent([finding]), anyAccount, clients())).runs).toHaveLength(1);
  });
});

describe('poll', () => {
  const vpc = controlFinding('EC2.56');
  const run: Run = { finding: { Id: vpc.Id!, ProductArn: vpc.ProductArn! }, account: ACCOUNT, region: REGION, partition: 'aws', executionId: EXECUTION, documentName: 'EcrGuardrails-CreateEcrVpcEndpoints', resourceId: VPC_ID, matched: 'EC2.56', resolves: true, deadline: NOW + 60_000 };
  const execution = (status: string, extra: Record<string, unknown> = {}) => ({
    AutomationExecution: { AutomationExecutionId: EXECUTION, DocumentName: 'EcrGuardrails-CreateEcrVpcEndpoints', DocumentVersion: '3', ExecutionStartTime: new Date('2026-11-28T10:00:06Z'), AutomationExecutionStatus: status, Mode: 'Auto', ...extra },
  });

  it('resolves the finding when the runbook succeeded (its last step verified the resource)', async () => {
    ssm.on(GetAutomationExecutionCommand).resolves(execution('Success', { ExecutionEndTime: new Date('2026-11-28T10:03:40Z') }) as never);
    const result = await poll(run, clients());
    expect(result).toEqual({ done: true, status: 'Success', run });
    expect(ssm).toHaveReceivedCommandWith(GetAutomationExecutionCommand, { AutomationExecutionId: EXECUTION });
    expect(ssmCalls).toEqual([`aws/${ACCOUNT}/${REGION}`]);
    expect(notes()).toEqual([{ Id: vpc.Id, Status: 'RESOLVED', Text: `EcrGuardrails-CreateEcrVpcEndpoints execution ${EXECUTION} (${ACCOUNT}/${REGION}, ${VPC_ID}) succeeded: the runbook verified the resource; resolved by ecr-guardrails.` }]);
  });

  it('only notes a success that cannot prove the finding resolved (rules with findings no runbook fixes)', async () => {
    ssm.on(GetAutomationExecutionCommand).resolves(execution('Success') as never);
    await poll({ ...run, resolves: false }, clients());
    expect(notes()[0]!.Status).toBeUndefined();
    expect(notes()[0]!.Text).toContain('the finding stays open until the rule evaluates the resource again');
  });

  it('notes the failure message of a failed run and leaves the workflow as it is', async () => {
    const message = 'Step fails when it is Verification failed: vpc-0a1b2c3d4e5f60789 is still NON_COMPLIANT: the ecr.dkr endpoint does not cover eu-west-3b. Please refer to Automation Service Troubleshooting Guide for more diagnosis details.';
    ssm.on(GetAutomationExecutionCommand).resolves(execution('Failed', { FailureMessage: message }) as never);
    expect((await poll(run, clients())).done).toBe(true);
    expect(notes()).toEqual([{ Id: vpc.Id, Text: `EcrGuardrails-CreateEcrVpcEndpoints execution ${EXECUTION} (${ACCOUNT}/${REGION}, ${VPC_ID}) ended Failed: ${message}` }]);
  });

  it('keeps waiting while the run is in progress, without touching the finding', async () => {
    ssm.on(GetAutomationExecutionCommand).resolves(execution('InProgress') as never);
    expect(await poll(run, clients())).toEqual({ done: false, status: 'InProgress', run });
    expect(hub).not.toHaveReceivedCommand(BatchUpdateFindingsCommand);
  });

  it('stops waiting at the deadline and says so on the finding', async () => {
    ssm.on(GetAutomationExecutionCommand).resolves(execution('Waiting') as never);
    expect((await poll(run, clients(NOW + 60_000))).done).toBe(true);
    expect(notes()[0]!.Text).toContain('is still Waiting; ecr-guardrails stopped waiting for it');
  });

  it('keeps following through a passing read failure, and notes the finding once reads keep failing instead of failing the state machine', async () => {
    // GetAutomationExecution's documented error for an unknown id (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetAutomationExecution.html).
    const gone = Object.assign(new Error('Automation Execution Id 4105a4fc-f944-11e6-9d32-0123456789ab not found'), { name: 'AutomationExecutionNotFoundException' });
    ssm.on(GetAutomationExecutionCommand).rejects(gone);
    let current: Run = run;
    for (let attempt = 1; attempt < MAX_READ_FAILURES; attempt++) {
      const result = await poll(current, clients());
      expect(result).toEqual({ done: false, status: 'Unreadable', run: { ...run, readFailures: attempt } });
      current = result.run;
    }
    expect(hub).not.toHaveReceivedCommand(BatchUpdateFindingsCommand);
    const last = await poll(current, clients());
    expect(last).toMatchObject({ done: true, status: 'Unreadable' });
    expect(notes()).toEqual([{ Id: vpc.Id, Text: expect.stringMatching(new RegExp(`^ecr-guardrails could not read EcrGuardrails-CreateEcrVpcEndpoints execution ${EXECUTION} .* after ${MAX_READ_FAILURES} failed reads and stopped following it.*AutomationExecutionNotFoundException`)) as unknown }]);

    // A read that succeeds again clears the count.
    ssm.on(GetAutomationExecutionCommand).resolves(execution('InProgress') as never);
    expect(await poll({ ...run, readFailures: 3 }, clients())).toEqual({ done: false, status: 'InProgress', run });
  });

  it('notes an unreadable execution at the deadline even before the failure limit', async () => {
    ssm.on(GetAutomationExecutionCommand).rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    expect(await poll(run, clients(NOW + 60_000))).toMatchObject({ done: true, status: 'Unreadable' });
    expect(notes()[0]!.Text).toContain('after 1 failed read and stopped following it');
  });

  it('cuts a long note to the 512 characters BatchUpdateFindings accepts, visibly', async () => {
    ssm.on(GetAutomationExecutionCommand).resolves(execution('Failed', { FailureMessage: 'x'.repeat(2000) }) as never);
    await poll(run, clients());
    expect(notes()[0]!.Text).toHaveLength(512);
    expect(notes()[0]!.Text.endsWith(' [...]')).toBe(true);
  });
});

describe('Lambda entry', () => {
  const env = { AWS_REGION: REGION, REMEDIATION_ROUTES: JSON.stringify(routes), AUTOMATIC_REMEDIATION: JSON.stringify({ controls: ['ECR.2'] }), MAX_WAIT_SECONDS: '1800' };

  it('reads its settings from the environment the CDK app writes', () => {
    expect(settingsFromEnvironment(env)).toEqual({ routes, automatic: { controls: ['ECR.2'] }, automationRoleName: AUTOMATION_ROLE_NAME, region: REGION, maxWaitSeconds: 1800 });
  });

  it.each([
    [{ ...env, REMEDIATION_ROUTES: undefined }, /REMEDIATION_ROUTES is not set/],
    [{ ...env, AUTOMATIC_REMEDIATION: '{' }, /AUTOMATIC_REMEDIATION is not JSON/],
    [{ ...env, MAX_WAIT_SECONDS: '0' }, /MAX_WAIT_SECONDS must be a positive integer/],
  ])('refuses a bad environment %#', (bad, message) => {
    expect(() => settingsFromEnvironment(bad)).toThrow(message);
  });

  it('gives the start step the Lambda\'s remaining time', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const finding = controlFinding('ECR.2');
      const result = (await handler({ step: 'start', event: customActionEvent([finding]) }, { getRemainingTimeInMillis: () => 1_000 })) as Awaited<ReturnType<typeof start>>;
      expect(ssm).not.toHaveReceivedCommand(StartAutomationExecutionCommand);
      expect(result.problems).toEqual([`1 finding(s) not started for lack of time in the start step: ${finding.Id}`]);
    } finally {
      process.env = saved;
    }
  });

  it('rejects an unknown step', async () => {
    await expect(handler({ step: 'finish' } as never)).rejects.toThrow(/unknown step "finish"/);
  });

  it('calls SSM in the member account through the member Security Hub role', async () => {
    const sts = mockClient(STSClient);
    sts.on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: 'ASIAMEMBER', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date(NOW + 3600_000) } });
    const live = lambdaClients(new EvaluationRoleCredentials(SECURITY_HUB_ROLE_NAME, 'ecr-guardrails-security-hub', new STSClient({}), () => NOW));
    const client = await live.ssm(ACCOUNT, 'us-east-1', 'aws');
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, { RoleArn: `arn:aws:iam::${ACCOUNT}:role/EcrGuardrailsSecurityHubRole`, RoleSessionName: 'ecr-guardrails-security-hub' });
    expect(await client.config.region()).toBe('us-east-1');
    expect((await client.config.credentials()).accessKeyId).toBe('ASIAMEMBER');
    expect(live.securityHub('us-east-1')).toBe(live.securityHub('us-east-1'));
    sts.restore();
  });
});

describe('permissions', () => {
  it('name exactly the commands the orchestrator sends (member: SSM; admin: Security Hub)', async () => {
    const { readFileSync } = await import('node:fs');
    const { ADMIN_ACTIONS, MEMBER_ACTIONS } = await import('../../security-hub/orchestrator.js');
    const source = readFileSync('security-hub/orchestrator.ts', 'utf8');
    // The SDK package each command is imported from names its IAM service prefix.
    const serviceOf = new Map<string, string>();
    for (const [, names, client] of source.matchAll(/import \{([^}]*)\} from '@aws-sdk\/client-([a-z-]+)'/g)) {
      for (const name of names!.split(',').map((n) => n.trim().replace(/^type /, ''))) serviceOf.set(name, client!);
    }
    const sent = [...source.matchAll(/new (\w+)Command\(/g)].map((m) => `${serviceOf.get(`${m[1]}Command`) ?? '?'}:${m[1]}`);
    expect([...new Set(sent)].sort()).toEqual([...MEMBER_ACTIONS, ...ADMIN_ACTIONS].sort());
  });
});
