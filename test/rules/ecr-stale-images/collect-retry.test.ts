/**
 * Throttling through the real SDK middleware stack: aws-sdk-client-mock replaces `send` and
 * so bypasses retries; here a real ECRClient talks to a fake HTTP handler instead.
 */
import { ECRClient } from '@aws-sdk/client-ecr';
import { describe, expect, it } from 'vitest';
import { collectStaleImages } from '../../../rules/ecr-stale-images/collect.js';
import { DAY_MS } from '../../../rules/ecr-stale-images/summarise.js';
import type { ClientFactory } from '../../../rules/kernel/clients.js';
import { AwsCallError } from '../../../rules/kernel/errors.js';
import { MEMBER_ACCOUNT, REGION } from '../../support/config-events.js';
import { GOOD_POLICY, NOW, staleContext, type LogLine } from '../../fixtures/ecr-stale-images/collect-context.js';

const context = (clients: ClientFactory, logs: LogLine[] = []) => staleContext({}, { clients, logs });

describe('collector: throttling under the SDK adaptive retry (real middleware, fake HTTP)', () => {
  /** A real ECRClient whose HTTP layer answers from `answer`; the SDK's retry middleware runs. */
  function realClient(answer: (target: string, body: Record<string, unknown>) => { status: number; body: unknown }, maxAttempts: number) {
    const requests: string[] = [];
    const client = new ECRClient({
      region: REGION,
      credentials: { accessKeyId: 'AKIATESTTESTTESTTEST', secretAccessKey: 'test' },
      retryMode: 'adaptive',
      maxAttempts,
      requestHandler: {
        handle: async (request: { headers: Record<string, string>; body?: string | Uint8Array }) => {
          const target = (request.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
          requests.push(target);
          const text = request.body instanceof Uint8Array ? new TextDecoder().decode(request.body) : (request.body ?? '{}');
          const { status, body } = answer(target, JSON.parse(text || '{}'));
          return { response: { statusCode: status, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: new TextEncoder().encode(JSON.stringify(body)) } };
        },
      } as never,
    });
    const clients = { get: () => client } as unknown as ClientFactory;
    return { client, requests, clients };
  }

  const repositoriesBody = (names: string[]) => ({ repositories: names.map((name) => ({ repositoryName: name, repositoryArn: `arn:aws:ecr:${REGION}:${MEMBER_ACCOUNT}:repository/${name}`, registryId: MEMBER_ACCOUNT, imageTagMutability: 'IMMUTABLE' })) });
  const throttled = { status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } };

  it('retries a throttled DescribeImages and completes the repository', async () => {
    let describeCalls = 0;
    const { requests, clients } = realClient((target) => {
      if (target === 'DescribeRepositories') return { status: 200, body: repositoriesBody(['team/api']) };
      if (target === 'ListTagsForResource') return { status: 200, body: { tags: [] } };
      if (target === 'GetLifecyclePolicy') return { status: 200, body: { lifecyclePolicyText: GOOD_POLICY } };
      describeCalls++;
      if (describeCalls === 1) return throttled;
      return { status: 200, body: { imageDetails: [{ imageDigest: 'sha256:1', imageTags: ['v1'], imagePushedAt: (NOW.getTime() - 200 * DAY_MS) / 1000, imageSizeInBytes: 10 }] } };
    }, 3);
    const facts = await collectStaleImages(context(clients));
    // The throttled call retried, then the untagged listing.
    expect(requests.filter((t) => t === 'DescribeImages')).toEqual(['DescribeImages', 'DescribeImages', 'DescribeImages']);
    expect(facts.repositories[0]?.summary).toMatchObject({ activeImages: 1, staleImages: 1 });
    expect(facts.notReached).toBeUndefined();
  });

  it('leaves a repository still throttled after every attempt for the next run; fails when none could be read', async () => {
    const { requests, clients } = realClient((target, body) => {
      if (target === 'DescribeRepositories') return { status: 200, body: repositoriesBody(['ok', 'hot']) };
      if (target === 'ListTagsForResource') return { status: 200, body: { tags: [] } };
      if (target === 'GetLifecyclePolicy') return { status: 200, body: { lifecyclePolicyText: GOOD_POLICY } };
      return body.repositoryName === 'hot' ? throttled : { status: 200, body: { imageDetails: [] } };
    }, 2);
    const logs: LogLine[] = [];
    const facts = await collectStaleImages(context(clients, logs));
    // ok: its tagged and untagged listings; hot: two attempts at its first listing.
    expect(requests.filter((t) => t === 'DescribeImages')).toHaveLength(4);
    expect(facts.repositories.map((r) => r.repositoryName)).toEqual(['ok']);
    expect(facts.notReached).toEqual(['hot']);
    expect(logs[0]?.extra).toMatchObject({ notReached: 1, throttled: 1, evaluated: 1 });

    const allHot = realClient((target) => {
      if (target === 'DescribeRepositories') return { status: 200, body: repositoriesBody(['hot']) };
      if (target === 'ListTagsForResource') return { status: 200, body: { tags: [] } };
      return throttled;
    }, 1);
    await expect(collectStaleImages(context(allHot.clients))).rejects.toThrow(AwsCallError);
  });
});
