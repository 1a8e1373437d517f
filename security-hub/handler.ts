/**
 * The Security Hub response Lambda in the admin account, invoked by its state machine:
 * `{ step: 'start', event }` with the Security Hub event, then `{ step: 'poll', run }` for
 * each started automation. Settings come from the environment the CDK app writes
 * (infra/security-hub.ts); member-account calls go through the member Security Hub role.
 */
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SSMClient } from '@aws-sdk/client-ssm';
import { EvaluationRoleCredentials } from '../rules/kernel/credentials.js';
import { AUTOMATION_ROLE_NAME } from '../rules/names.js';
import { EcrGuardrailsError } from '../rules/kernel/errors.js';
import { poll, SECURITY_HUB_ROLE_NAME, start, type OrchestratorClients, type OrchestratorSettings, type PollResult, type Run, type StartResult } from './orchestrator.js';
import type { RemediationRoute } from './routes.js';

/** Prefix of the orchestrator Lambda's execution role (one per region). */
export const SECURITY_HUB_LAMBDA_ROLE_PREFIX = 'EcrGuardrailsSecurityHub-';

/** Environment: JSON routes, JSON automatic settings, the waiting limit. */
export const ROUTES_ENV = 'REMEDIATION_ROUTES';
export const AUTOMATIC_ENV = 'AUTOMATIC_REMEDIATION';
export const MAX_WAIT_ENV = 'MAX_WAIT_SECONDS';

export class SecurityHubSetupError extends EcrGuardrailsError {}

/** The orchestrator's settings from its environment; a missing or malformed setting throws. */
export function settingsFromEnvironment(env: NodeJS.ProcessEnv = process.env): OrchestratorSettings {
  const json = <T>(name: string): T => {
    const raw = env[name];
    if (!raw) throw new SecurityHubSetupError(`${name} is not set.`);
    try {
      return JSON.parse(raw) as T;
    } catch (error) {
      throw new SecurityHubSetupError(`${name} is not JSON.`, { cause: error });
    }
  };
  const region = env.AWS_REGION;
  if (!region) throw new SecurityHubSetupError('AWS_REGION is not set.');
  const maxWaitSeconds = Number(env[MAX_WAIT_ENV]);
  if (!Number.isInteger(maxWaitSeconds) || maxWaitSeconds <= 0) throw new SecurityHubSetupError(`${MAX_WAIT_ENV} must be a positive integer.`);
  return {
    routes: json<RemediationRoute[]>(ROUTES_ENV),
    automatic: json<OrchestratorSettings['automatic']>(AUTOMATIC_ENV),
    automationRoleName: AUTOMATION_ROLE_NAME,
    region,
    maxWaitSeconds,
  };
}

/** Clients of the Lambda: SSM through the member role (credentials cached per account), Security Hub as itself. */
export function lambdaClients(credentials = new EvaluationRoleCredentials(SECURITY_HUB_ROLE_NAME, 'ecr-guardrails-security-hub')): OrchestratorClients {
  const hubs = new Map<string, SecurityHubClient>();
  return {
    ssm: async (account, region, partition) => new SSMClient({ region, credentials: await credentials.forAccount(partition, account) }),
    securityHub: (region) => hubs.get(region) ?? hubs.set(region, new SecurityHubClient({ region })).get(region)!,
    now: Date.now,
  };
}

export { SECURITY_HUB_ROLE_NAME };

export type OrchestratorEvent = { step: 'start'; event: unknown } | { step: 'poll'; run: Run };

let clients: OrchestratorClients | undefined;

/** The Lambda entry: one step of the state machine. */
export async function handler(input: OrchestratorEvent, context?: { getRemainingTimeInMillis?: () => number }): Promise<StartResult | PollResult> {
  clients ??= lambdaClients();
  switch (input?.step) {
    case 'start': {
      const remaining = context?.getRemainingTimeInMillis?.bind(context);
      return start(input.event, settingsFromEnvironment(), remaining ? { ...clients, remainingTimeMs: remaining } : clients);
    }
    case 'poll':
      return poll(input.run, clients);
    default:
      throw new SecurityHubSetupError(`unknown step ${JSON.stringify((input as { step?: unknown })?.step)}; expected start or poll.`);
  }
}
