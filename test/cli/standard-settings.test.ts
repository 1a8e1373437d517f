/**
 * The CLI's SDK clients use the standard AWS settings: AWS_ENDPOINT_URL (how emulators and
 * VPC-endpoint URLs are reached), profiles from the shared config files, and the region they
 * carry. A small fake AWS endpoint on loopback answers STS (query protocol, XML) and ECR
 * (JSON 1.1) and records who called what with which access key.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

interface Seen {
  operation: string;
  accessKeyId: string;
  region: string;
}

let server: Server;
let endpoint: string;
let dir: string;
const seen: Seen[] = [];

async function body(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return text;
}

beforeAll(async () => {
  const answer = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const text = await body(request);
    // SigV4: Credential=AKID/20261120/eu-west-3/ecr/aws4_request
    const credential = /Credential=([^/]+)\/\d{8}\/([^/]+)\//.exec(request.headers.authorization ?? '');
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target ? target.split('.').pop() ?? '' : new URLSearchParams(text).get('Action') ?? '';
    seen.push({ operation, accessKeyId: credential?.[1] ?? '', region: credential?.[2] ?? '' });
    if (operation === 'GetCallerIdentity') {
      response.writeHead(200, { 'content-type': 'text/xml' });
      response.end(
        '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
          '<Arn>arn:aws:iam::123456789012:user/auditor</Arn><UserId>AIDAEXAMPLEEXAMPLE</UserId><Account>123456789012</Account>' +
          '</GetCallerIdentityResult><ResponseMetadata><RequestId>1b2c3d</RequestId></ResponseMetadata></GetCallerIdentityResponse>',
      );
      return;
    }
    const json = (payload: unknown) => {
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(payload));
    };
    if (operation === 'DescribeRepositories') {
      json({
        repositories: [
          { repositoryName: 'shop/cart', repositoryArn: 'arn:aws:ecr:eu-west-3:123456789012:repository/shop/cart', registryId: '123456789012', imageTagMutability: 'MUTABLE', createdAt: 1731000000 },
          {
            repositoryName: 'shop/checkout',
            repositoryArn: 'arn:aws:ecr:eu-west-3:123456789012:repository/shop/checkout',
            registryId: '123456789012',
            imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
            imageTagMutabilityExclusionFilters: [{ filter: 'latest', filterType: 'WILDCARD' }],
            createdAt: 1731000000,
          },
        ],
      });
      return;
    }
    if (operation === 'ListTagsForResource') return json({ tags: [{ Key: 'team', Value: 'shop' }] });
    response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
    response.end(JSON.stringify({ __type: 'UnknownOperationException', message: `fake endpoint does not know ${operation}` }));
  };
  server = createServer((request, response) => void answer(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = await mkdtemp(join(tmpdir(), 'ecr-guardrails-aws-'));
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

interface Report {
  scopes: Array<{ accountId: string; region: string }>;
  results: Array<{ resourceId: string; complianceType: string; annotation: string }>;
}

describe('standard AWS settings', () => {
  it('AWS_ENDPOINT_URL and AWS_REGION send every call to the configured endpoint', async () => {
    seen.length = 0;
    const { code, stdout, stderr } = await runCli(['scan', '--rules', 'ecr-tag-immutability', '--format', 'json'], {
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: 'eu-west-3',
      AWS_ACCESS_KEY_ID: 'AKIAENVIRONMENTKEY01',
      AWS_SECRET_ACCESS_KEY: 'secret',
    });
    expect(stderr).toBe('');
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as Report;
    expect(report.scopes).toEqual([{ accountId: '123456789012', region: 'eu-west-3', status: 'scanned' }]);
    expect(report.results.map((r) => [r.resourceId, r.complianceType])).toEqual([
      ['shop/cart', 'NON_COMPLIANT'],
      ['shop/checkout', 'NON_COMPLIANT'],
    ]);
    expect(report.results[1]?.annotation).toContain("Tags matching 'latest' can be overwritten");
    expect(seen.map((s) => s.operation).sort()).toEqual(['DescribeRepositories', 'GetCallerIdentity', 'ListTagsForResource', 'ListTagsForResource']);
    expect(new Set(seen.map((s) => `${s.accessKeyId}@${s.region}`))).toEqual(new Set(['AKIAENVIRONMENTKEY01@eu-west-3']));
  });

  it('--profile reads credentials, region and endpoint from the shared config files', async () => {
    seen.length = 0;
    const config = join(dir, 'config');
    const credentials = join(dir, 'credentials');
    await writeFile(config, `[profile audit]\nregion = ap-southeast-2\nendpoint_url = ${endpoint}\n`);
    await writeFile(credentials, '[audit]\naws_access_key_id = AKIAPROFILEKEY000001\naws_secret_access_key = secret\n');
    const { code, stdout, stderr } = await runCli(['scan', '--profile', 'audit', '--rules', 'ecr-tag-immutability', '--format', 'json'], {
      AWS_CONFIG_FILE: config,
      AWS_SHARED_CREDENTIALS_FILE: credentials,
    });
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect((JSON.parse(stdout) as Report).scopes).toEqual([{ accountId: '123456789012', region: 'ap-southeast-2', status: 'scanned' }]);
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen.map((s) => `${s.accessKeyId}@${s.region}`))).toEqual(new Set(['AKIAPROFILEKEY000001@ap-southeast-2']));
  });

  it('an AWS error from the endpoint is one line on stderr naming the operation, exit 2', async () => {
    const { code, stderr } = await runCli(['scan', '--rules', 'ecr-stale-images', '--region', 'eu-west-3'], {
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: 'AKIAENVIRONMENTKEY01',
      AWS_SECRET_ACCESS_KEY: 'secret',
    });
    expect(code).toBe(2);
    // Repositories are read concurrently: either one's failure may be the one reported.
    expect(stderr).toMatch(
      /^ecr-guardrails: not scanned: 123456789012 eu-west-3 ecr-stale-images: ecr:DescribeImages\/GetLifecyclePolicy shop\/(cart|checkout) failed: UnknownOperationException: fake endpoint does not know (DescribeImages|GetLifecyclePolicy)\n$/,
    );
  });
});
