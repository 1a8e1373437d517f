/**
 * Sends an SSM-style API call (boto3 service name, PascalCase operation, boto3 member names)
 * through the real AWS SDK v3 client and command, so aws-sdk-client-mock intercepts it.
 */
import { findOperation, serviceInfo, serviceModule } from '../../../automations/sdk-model.js';

interface SendableClient {
  send(command: unknown): Promise<Record<string, unknown>>;
}

const clients = new Map<string, SendableClient>();

/** One client per service and region, created with default configuration (as the SDK would). */
export function clientFor(service: string, region: string): SendableClient {
  const key = `${service}@${region}`;
  let client = clients.get(key);
  if (!client) {
    const info = serviceInfo(service);
    const Client = serviceModule(service)[info.clientClass] as new (config: { region: string }) => SendableClient;
    client = new Client({ region });
    clients.set(key, client);
  }
  return client;
}

export class UnknownOperationError extends Error {}

/** Calls `service`'s `api` with `input`; returns the response in boto3's shape (see `toBotoShape`). */
export async function callAws(service: string, api: string, input: Record<string, unknown>, region: string): Promise<Record<string, unknown>> {
  const operation = findOperation(service, api);
  if (!operation) throw new UnknownOperationError(`${service} has no operation ${api}`);
  const response = await clientFor(service, region).send(new operation.command(structuredClone(input)));
  return toBotoShape(response ?? {}) as Record<string, unknown>;
}

/** Pages of a paginated call through the SDK's own paginator (`paginate<Api>`). */
export async function paginateAws(service: string, api: string, input: Record<string, unknown>, region: string): Promise<Record<string, unknown>[]> {
  const paginate = serviceModule(service)[`paginate${api}`] as
    | ((config: { client: SendableClient }, input: Record<string, unknown>) => AsyncIterable<Record<string, unknown>>)
    | undefined;
  if (!paginate) throw new UnknownOperationError(`${service} ${api} cannot be paginated`);
  const pages: Record<string, unknown>[] = [];
  for await (const page of paginate({ client: clientFor(service, region) }, structuredClone(input))) {
    pages.push(toBotoShape(page) as Record<string, unknown>);
  }
  return pages;
}

/**
 * SDK v3 response -> what boto3 (and SSM) would show: the same member names, without
 * `$metadata`; Dates become ISO 8601 strings (boto3 gives datetime objects), bytes base64.
 */
export function toBotoShape(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(toBotoShape);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (k !== '$metadata' && v !== undefined) out[k] = toBotoShape(v);
    return out;
  }
  return value;
}

/** The error of a failed call as boto3's `ClientError.response['Error']`. */
export function awsErrorShape(error: unknown): { Code: string; Message: string } {
  if (error instanceof Error) return { Code: error.name, Message: error.message };
  return { Code: 'Error', Message: String(error) };
}
