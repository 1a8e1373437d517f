import { ECRClient } from '@aws-sdk/client-ecr';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientFactory } from '../../../rules/kernel/clients.js';

afterEach(() => {
  delete process.env.AWS_RETRY_MODE;
});

describe('SDK clients', () => {
  it('makes one client per service, in the scope region, with adaptive retries', async () => {
    const factory = new ClientFactory('ap-southeast-2');
    const client = factory.get(ECRClient);
    expect(factory.get(ECRClient)).toBe(client);
    expect(await client.config.region()).toBe('ap-southeast-2');
    expect(((await client.config.retryStrategy()) as { mode?: string }).mode).toBe('adaptive');
  });

  it('leaves the retry mode to AWS_RETRY_MODE when the user sets it', async () => {
    process.env.AWS_RETRY_MODE = 'standard';
    const client = new ClientFactory('eu-west-3').get(ECRClient);
    expect(((await client.config.retryStrategy()) as { mode?: string }).mode).toBe('standard');
  });

  it('uses the given credentials (assumed role) instead of the default chain', async () => {
    const client = new ClientFactory('eu-west-3', { accessKeyId: 'ASIAMEMBER', secretAccessKey: 's' }).get(ECRClient);
    expect((await client.config.credentials()).accessKeyId).toBe('ASIAMEMBER');
  });
});
