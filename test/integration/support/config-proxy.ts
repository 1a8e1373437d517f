/**
 * A local stand-in for the one AWS Config operation the emulator lacks: Config clients are
 * pointed here (AWS_ENDPOINT_URL_CONFIG_SERVICE, the SDK's standard per-service endpoint
 * setting), GetComplianceDetailsByConfigRule is answered with "no earlier results" (a rule's
 * first run), and every other request is forwarded to the emulator unchanged. PutEvaluations
 * requests are recorded as sent, and the emulator (TestMode) still answers them.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const TARGET_PREFIX = 'StarlingDoveService.';

export interface SentEvaluation {
  ComplianceResourceType: string;
  ComplianceResourceId: string;
  ComplianceType: string;
  Annotation?: string;
  OrderingTimestamp: number | string;
}

export interface PutEvaluationsRequest {
  ResultToken: string;
  TestMode?: boolean;
  Evaluations: SentEvaluation[];
}

export interface ConfigProxy {
  url: string;
  /** Every PutEvaluations request body, in order. */
  putEvaluations: PutEvaluationsRequest[];
  /** Operations answered here instead of by the emulator. */
  answeredLocally: string[];
  close(): Promise<void>;
}

async function body(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startConfigProxy(emulator: string): Promise<ConfigProxy> {
  const putEvaluations: PutEvaluationsRequest[] = [];
  const answeredLocally: string[] = [];
  const server: Server = createServer((request, response) => {
    void (async () => {
      const payload = await body(request);
      const operation = String(request.headers['x-amz-target'] ?? '').replace(TARGET_PREFIX, '');
      if (operation === 'GetComplianceDetailsByConfigRule') {
        answeredLocally.push(operation);
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ EvaluationResults: [] }));
        return;
      }
      if (operation === 'PutEvaluations') putEvaluations.push(JSON.parse(payload.toString('utf8')) as PutEvaluationsRequest);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string' && name !== 'host') headers[name] = value;
      const forwarded = await fetch(`${emulator}${request.url ?? '/'}`, { method: request.method ?? 'POST', headers, body: payload.length ? payload : undefined });
      const answer = Buffer.from(await forwarded.arrayBuffer());
      response.writeHead(forwarded.status, { 'content-type': forwarded.headers.get('content-type') ?? 'application/x-amz-json-1.1' }).end(answer);
    })().catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ __type: 'ProxyError', message: String(error) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    putEvaluations,
    answeredLocally,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
