/**
 * `ecr-guardrails --help | head -1`: the reader closes the pipe early and the next write gets
 * EPIPE. That is the reader's choice, not an error: no stack trace, and the exit status the
 * command had (a closed pipe must not hide findings: scan still exits 1 on the demo).
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BINARY } from '../support/cli.js';

function runWithClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BINARY, ...args], { env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent-home', NO_COLOR: '1' } });
    // Close our end at once, as `head` does once it has read what it wanted.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('stdout closed by the reader', () => {
  it.each([
    [['--help'], 0],
    [['scan', '--demo'], 1],
    [['rules'], 0],
  ])('%j: no stack trace, the command\'s own exit status', async (args, status) => {
    const { code, stderr } = await runWithClosedStdout(args);
    expect(stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(code).toBe(status);
  });
});
