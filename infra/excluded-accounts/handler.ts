/**
 * CloudFormation custom resource (EcrGuardrails-ConformancePack-<region>): resolves the
 * conformance pack's ExcludedAccounts when the stack is deployed (see resolve.ts), and returns
 * them comma-separated as the attribute `Accounts`. Delete does nothing.
 */
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { excludedAccounts } from './resolve.js';

const PHYSICAL_ID = 'ecr-guardrails-excluded-accounts';

/** The response CloudFormation expects at the pre-signed ResponseURL. */
export function responseBody(event: CloudFormationCustomResourceEvent, result: { ok: true; accounts?: string[] } | { ok: false; reason: string }): Record<string, unknown> {
  return {
    Status: result.ok ? 'SUCCESS' : 'FAILED',
    Reason: result.ok ? 'resolved' : result.reason.slice(0, 1000),
    PhysicalResourceId: PHYSICAL_ID,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    ...(result.ok && result.accounts ? { Data: { Accounts: result.accounts.join(',') } } : {}),
  };
}

/** What the resource answers for an event (no network beyond Organizations). */
export async function resolveEvent(event: CloudFormationCustomResourceEvent, client: OrganizationsClient): Promise<Record<string, unknown>> {
  if (event.RequestType === 'Delete') return responseBody(event, { ok: true });
  try {
    const targets: unknown = event.ResourceProperties['OrganizationalUnitIds'];
    if (!Array.isArray(targets) || targets.length === 0) throw new Error('OrganizationalUnitIds is missing');
    return responseBody(event, { ok: true, accounts: await excludedAccounts(client, targets.map(String)) });
  } catch (error) {
    return responseBody(event, { ok: false, reason: error instanceof Error ? error.message : String(error) });
  }
}

export async function handler(event: CloudFormationCustomResourceEvent): Promise<void> {
  const body = JSON.stringify(await resolveEvent(event, new OrganizationsClient({})));
  const response = await fetch(event.ResponseURL, { method: 'PUT', body, headers: { 'content-type': '' } });
  if (!response.ok) throw new Error(`CloudFormation response upload failed: HTTP ${response.status}`);
}
