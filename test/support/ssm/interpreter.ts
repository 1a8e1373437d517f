/**
 * A small SSM Automation interpreter for tests: runs a runbook step by step against the AWS
 * SDK v3 clients, which the tests mock with aws-sdk-client-mock. It covers exactly the
 * actions this project uses: aws:executeAwsApi, aws:assertAwsResourceProperty,
 * aws:waitForAwsResourceProperty (polled without sleeping, bounded), aws:branch, aws:sleep
 * (no real sleep), aws:approve (decision scripted per test), aws:executeScript (python3.x, run
 * with the real python3 and a fake boto3, see `script.ts`), with onFailure
 * (Abort / Continue / step:X), isEnd, nextStep, isCritical and maxAttempts.
 *
 * Stable API (other runbooks' tests rely on it): runAutomation, mutatingCalls, isMutatingApi,
 * callsTo, and the types below.
 */
import { loadRunbooks, type Runbook } from '../../../automations/catalog.js';
import {
  AUTOMATION_VARIABLES,
  flag,
  type AutomationDocument,
  type Step,
} from '../../../automations/document.js';
import { declaredScriptActions } from '../../../automations/scripts.js';
import { iamAction } from '../../../automations/sdk-model.js';
import { callAws } from './aws.js';
import { chooseBranch, propertyMismatch } from './conditions.js';
import { InterpreterError, StepFailure } from './errors.js';
import { runPythonScript } from './script.js';
import { extractOutputs, resolveParameters, substitute } from './values.js';

export { InterpreterError, InvalidParameterError } from './errors.js';

export type ApprovalDecision = 'Approved' | 'Rejected' | 'Cancelled';
export type ExecutionStatus = 'Success' | 'Failed' | 'Cancelled';
export type AutomationVariable = (typeof AUTOMATION_VARIABLES)[number];

export interface RunOptions {
  /** Runbook parameters as SSM receives them: strings, string lists, booleans, numbers. */
  parameters?: Record<string, unknown>;
  /** Decision for each aws:approve step, by step name. An undecided approval step throws. */
  approvals?: Record<string, ApprovalDecision>;
  /** Overrides for automation/system variables (defaults: a fixed execution id, account, region...). */
  variables?: Partial<Record<AutomationVariable, string>>;
  /** Region of the SDK clients (default: AWS_REGION or eu-west-3). */
  region?: string;
  /** Bound on polls of aws:waitForAwsResourceProperty (default 10). No real time passes. */
  maxPolls?: number;
  /** Kill a python script after this long (default 20 s). */
  scriptTimeoutMs?: number;
}

export interface SdkCall {
  /** Step that made the call. */
  step: string;
  /** boto3 / SSM service name, e.g. `ecr`. */
  service: string;
  /** PascalCase operation, e.g. `PutImageTagMutability`. */
  api: string;
  /** IAM action, e.g. `ecr:PutImageTagMutability`. */
  action: string;
  input: Record<string, unknown>;
  /** `step` for declarative steps, `script` for calls made by an executeScript step. */
  via: 'step' | 'script';
}

export interface StepRecord {
  name: string;
  action: string;
  status: ExecutionStatus;
  attempts: number;
  outputs: Record<string, unknown>;
  /** Resolved inputs (after substitution). */
  inputs: Record<string, unknown>;
  failureMessage?: string;
}

export interface ExecutionResult {
  status: ExecutionStatus;
  /** Names of executed steps, in order (a step retried by maxAttempts appears once). */
  executedSteps: string[];
  steps: StepRecord[];
  /** Every step output, keyed `Step.Output`. */
  outputs: Record<string, unknown>;
  /** Every AWS call made, in order. */
  calls: SdkCall[];
  /** The failure message of the step that failed the execution. */
  failureMessage?: string;
  /** The parameters after defaults were applied. */
  parameters: Record<string, unknown>;
}

const MAX_STEP_EXECUTIONS = 500;

/** Runs a runbook (a catalog entry, a parsed document, or a runbook name from automations/). */
export async function runAutomation(runbook: Runbook | AutomationDocument | string, options: RunOptions = {}): Promise<ExecutionResult> {
  const document = resolveDocument(runbook);
  const parameters = resolveParameters(document, options.parameters ?? {});
  const region = options.region ?? process.env['AWS_REGION'] ?? 'eu-west-3';
  const variables: Record<string, string> = {
    'automation:EXECUTION_ID': '11111111-2222-3333-4444-555555555555',
    'global:ACCOUNT_ID': '111122223333',
    'global:AWS_PARTITION': 'aws',
    'global:DATE': '2026-11-24',
    'global:DATE_TIME': '2026-11-24_10.00.00',
    'global:REGION': region,
    ...options.variables,
  };
  const result: ExecutionResult = { status: 'Success', executedSteps: [], steps: [], outputs: {}, calls: [], parameters };
  const steps = document.mainSteps;
  const indexOf = new Map(steps.map((s, i) => [s.name, i]));
  const lookup = (name: string): unknown => {
    if (name in parameters) return parameters[name];
    if (name in variables) return variables[name];
    if (name in result.outputs) return result.outputs[name];
    throw new StepFailure(`'{{ ${name} }}' has no value (not a parameter, variable or produced output)`);
  };
  const env: StepEnv = { lookup, region, options, result, variables };

  let index: number | undefined = 0;
  let criticalFailure = false;
  for (let executions = 0; index !== undefined && index < steps.length; executions++) {
    if (executions >= MAX_STEP_EXECUTIONS) throw new InterpreterError(`more than ${MAX_STEP_EXECUTIONS} steps executed: a loop?`);
    const step: Step = steps[index]!;
    const record = await runStepWithRetries(step, env);
    result.steps.push(record);
    result.executedSteps.push(step.name);
    Object.entries(record.outputs).forEach(([k, v]) => (result.outputs[`${step.name}.${k}`] = v));
    const ends = flag(step.isEnd, false);
    if (record.status === 'Cancelled') {
      result.status = 'Cancelled';
      result.failureMessage = record.failureMessage;
      return result;
    }
    if (record.status === 'Success') {
      const next = record.outputs[NEXT_STEP] as string | undefined;
      delete record.outputs[NEXT_STEP];
      delete result.outputs[`${step.name}.${NEXT_STEP}`];
      if (ends) break;
      index = next !== undefined ? indexOf.get(next) : step.nextStep !== undefined ? indexOf.get(step.nextStep) : index + 1;
      continue;
    }
    // Failed
    if (flag(step.isCritical, true)) {
      criticalFailure = true;
      result.failureMessage ??= `${step.name}: ${record.failureMessage}`;
    }
    const onFailure = step.onFailure ?? 'Abort';
    if (onFailure === 'Abort') {
      result.status = 'Failed';
      result.failureMessage = `${step.name}: ${record.failureMessage}`;
      return result;
    }
    if (ends) break;
    index = onFailure.startsWith('step:') ? indexOf.get(onFailure.slice(5)) : index + 1;
  }
  if (criticalFailure) result.status = 'Failed';
  return result;
}

/** Calls that change something: every API that is not Describe*, Get*, List* or BatchGet*. */
export function isMutatingApi(api: string): boolean {
  return !/^(Describe|Get|List|BatchGet)/.test(api);
}

export function mutatingCalls(result: ExecutionResult): SdkCall[] {
  return result.calls.filter((c) => isMutatingApi(c.api));
}

/** Calls of one API (`PutImageTagMutability` or `ecr:PutImageTagMutability`). */
export function callsTo(result: ExecutionResult, api: string): SdkCall[] {
  return result.calls.filter((c) => c.api === api || c.action === api);
}

// ---------------------------------------------------------------------------------------------

const NEXT_STEP = '\u0000nextStep';

interface StepEnv {
  lookup: (name: string) => unknown;
  region: string;
  options: RunOptions;
  result: ExecutionResult;
  variables: Record<string, string>;
}

function resolveDocument(runbook: Runbook | AutomationDocument | string): AutomationDocument {
  if (typeof runbook === 'string') {
    const found = loadRunbooks().find((r) => r.name === runbook);
    if (!found) throw new InterpreterError(`no runbook named '${runbook}' in automations/`);
    return found.document;
  }
  return 'document' in runbook ? runbook.document : runbook;
}

async function runStepWithRetries(step: Step, env: StepEnv): Promise<StepRecord> {
  const maxAttempts = Math.max(1, Number(step.maxAttempts ?? 1));
  let record: StepRecord | undefined;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    record = await runStep(step, env);
    record.attempts = attempt;
    if (record.status !== 'Failed') break;
  }
  return record!;
}

async function runStep(step: Step, env: StepEnv): Promise<StepRecord> {
  const record: StepRecord = { name: step.name, action: step.action, status: 'Success', attempts: 1, outputs: {}, inputs: {} };
  try {
    // Branch choices are evaluated lazily (a choice's Variable may name an output that only exists on some paths).
    const inputs = step.action === 'aws:branch' ? (step.inputs ?? {}) : (substitute(step.inputs ?? {}, env.lookup) as Record<string, unknown>);
    record.inputs = inputs;
    switch (step.action) {
      case 'aws:executeAwsApi': {
        const response = await apiCall(step, inputs, env);
        record.outputs = extractOutputs(step.outputs, response);
        break;
      }
      case 'aws:assertAwsResourceProperty': {
        const response = await apiCall(step, inputs, env);
        const problem = propertyMismatch(response, inputs);
        if (problem) throw new StepFailure(problem);
        break;
      }
      case 'aws:waitForAwsResourceProperty': {
        const polls = env.options.maxPolls ?? 10;
        let problem: string | undefined;
        for (let poll = 1; poll <= polls; poll++) {
          problem = propertyMismatch(await apiCall(step, inputs, env), inputs);
          if (!problem) break;
        }
        if (problem) throw new StepFailure(`timed out after ${polls} polls: ${problem}`);
        break;
      }
      case 'aws:branch':
        record.outputs[NEXT_STEP] = chooseBranch(inputs, env.lookup);
        break;
      case 'aws:sleep':
        break;
      case 'aws:approve': {
        const decision = env.options.approvals?.[step.name];
        if (!decision) throw new InterpreterError(`step '${step.name}' is aws:approve: pass approvals: { ${step.name}: 'Approved' | 'Rejected' | 'Cancelled' }`);
        record.outputs = { ApprovalStatus: decision };
        if (decision === 'Rejected') throw new StepFailure('the approval was rejected');
        if (decision === 'Cancelled') {
          record.status = 'Cancelled';
          record.failureMessage = 'the execution was cancelled while waiting for approval';
        }
        break;
      }
      case 'aws:executeScript':
        record.outputs = await runScript(step, inputs, env);
        break;
      default:
        throw new InterpreterError(`step '${step.name}': action ${step.action} is not supported by the test interpreter`);
    }
  } catch (error) {
    if (error instanceof InterpreterError) throw error;
    record.status = 'Failed';
    record.failureMessage = error instanceof Error ? `${error.name === 'StepFailure' || error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
  }
  return record;
}

async function apiCall(step: Step, inputs: Record<string, unknown>, env: StepEnv): Promise<Record<string, unknown>> {
  const service = String(inputs['Service']);
  const api = String(inputs['Api']);
  const input = Object.fromEntries(
    Object.entries(inputs).filter(([k]) => !['Service', 'Api', 'PropertySelector', 'DesiredValues'].includes(k)),
  );
  env.result.calls.push({ step: step.name, service, api, action: iamAction(service, api), input, via: 'step' });
  return callAws(service, api, input, env.region);
}

async function runScript(step: Step, inputs: Record<string, unknown>, env: StepEnv): Promise<Record<string, unknown>> {
  const runtime = String(inputs['Runtime']);
  if (!runtime.startsWith('python3')) throw new InterpreterError(`step '${step.name}': runtime ${runtime} is not supported by the test interpreter`);
  const script = String(inputs['Script']);
  const run = await runPythonScript({
    script,
    handler: String(inputs['Handler']),
    payload: inputs['InputPayload'] ?? {},
    context: { 'automation:EXECUTION_ID': env.variables['automation:EXECUTION_ID'] },
    declaredActions: declaredScriptActions(script),
    region: env.region,
    timeoutMs: env.options.scriptTimeoutMs ?? 20_000,
    onCall: (call) => env.result.calls.push({ step: step.name, ...call, via: 'script' }),
  });
  if (run.undeclared.length) {
    throw new StepFailure(`the script called ${[...new Set(run.undeclared)].join(', ')} without declaring it with '# iam:'`);
  }
  if (!run.ok) throw new StepFailure(`script failed: ${run.error}`);
  const response = { Payload: run.value };
  return { OutputPayload: JSON.stringify(run.value ?? null), ...extractOutputs(step.outputs, response) };
}
