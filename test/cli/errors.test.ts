import { describe, expect, it } from 'vitest';
import { explainAwsError } from '../../cli/errors.js';

// What the SDK's default chain throws when no provider yields credentials (the same for a
// profile that does not exist and for no configuration at all).
const noCredentials = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });

describe('explainAwsError', () => {
  it('names the profile in effect when it yields no credentials (a typo in --profile is not "pass --profile")', () => {
    const message = explainAwsError(noCredentials, 'audti');
    expect(message).toMatch(/^No AWS credentials for profile audti \(--profile or AWS_PROFILE\): expected a profile of that name with credentials/);
    expect(message).toContain('~/.aws/config');
    expect(message).not.toContain('pass --profile');
  });

  it('without a profile, says where credentials come from', () => {
    expect(explainAwsError(noCredentials, undefined)).toBe(
      'No AWS credentials found: pass --profile, set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or try --demo.',
    );
  });

  it('keeps any other AWS error as it is', () => {
    expect(explainAwsError(Object.assign(new Error('The security token included in the request is invalid.'), { name: 'InvalidClientTokenId' }), 'audit')).toBe(
      'The security token included in the request is invalid.',
    );
  });
});

describe('an endpoint that cannot be reached', () => {
  it('names the call that failed and the network error, as a one-line error with exit 2 (no stack trace)', { timeout: 60_000 }, async () => {
    const { runCli } = await import('../support/cli.js');
    const result = await runCli(['scan', '--region', 'eu-west-3'], {
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_MAX_ATTEMPTS: '1',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/sts:GetCallerIdentity failed: \w+: .*(ECONNREFUSED|connect)/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
