/**
 * Starts the AWS API emulator (moto's server, see docs/testing.md) on a free port for the whole
 * integration run, under libfaketime so seeds can backdate what it stamps, and stops it at the
 * end (also when tests fail). Tests read the endpoint and the clock file through `inject`.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    emulatorEndpoint: string;
    faketimeFile: string;
  }
}

/** The emulator's start script: EMULATOR_START overrides it (default: the shared copy next to the repository). */
const START = process.env.EMULATOR_START ?? resolve(import.meta.dirname, '../../../shared/emulator/start.sh');

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

export default async function setup(project: TestProject): Promise<() => void> {
  if (!existsSync(START)) {
    throw new Error(`The AWS API emulator's start script is not at ${START}: set EMULATOR_START to its start.sh (see docs/testing.md).`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'ecr-guardrails-integ-'));
  const faketimeFile = join(dir, 'faketime');
  writeFileSync(faketimeFile, '+0\n');
  const port = await freePort();
  const log = join(dir, 'emulator.log');
  const pid = await new Promise<number>((done, fail) => {
    execFile(
      'bash',
      [START, String(port)],
      { env: { ...process.env, EMULATOR_FAKETIME_FILE: faketimeFile, EMULATOR_LOG: log }, timeout: 300_000 },
      (error, stdout, stderr) => {
        const value = Number(stdout.trim().split('\n').pop());
        if (error || !Number.isInteger(value)) fail(new Error(`emulator did not start (${START} ${port}): ${stderr || error?.message}`));
        else done(value);
      },
    );
  });
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    try {
      process.kill(pid);
    } catch {
      // already gone
    }
    if (process.env.EMULATOR_KEEP_LOG) process.stderr.write(`emulator log kept: ${log}\n${readFileSync(log, 'utf8').slice(-2000)}\n`);
    else rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stop);
  project.provide('emulatorEndpoint', `http://127.0.0.1:${port}`);
  project.provide('faketimeFile', faketimeFile);
  return stop;
}
