import { describe, expect, it } from 'vitest';
import { UsageError } from '../../cli/errors.js';
import { writeSnapshot } from '../../cli/snapshot.js';
import { runCli } from '../support/cli.js';

describe('--output that cannot be written', () => {
  it('scan: names the option, the path and why, exits 2 with no stack trace', async () => {
    const { code, stderr } = await runCli(['scan', '--demo', '--format', 'html', '--output', '/nonexistent-dir/ecr.html']);
    expect(code).toBe(2);
    expect(stderr).toBe('ecr-guardrails: error: --output /nonexistent-dir/ecr.html: cannot write the report (no such directory).\n');
  });

  it('collect: the snapshot writer raises the same usage error', async () => {
    const snapshot = { format: 'ecr-guardrails-snapshot' as const, version: 1 as const, collectedAt: '2026-11-20T09:00:00.000Z', scopes: [] };
    await expect(writeSnapshot('/nonexistent-dir/estate.json', snapshot)).rejects.toThrow(
      new UsageError('--output /nonexistent-dir/estate.json: cannot write the snapshot (no such directory).'),
    );
  });
});
