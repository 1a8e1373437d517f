/**
 * Every detection sample against EventBridge's own matching: `TestEventPattern` of the local
 * emulator (its independent implementation of EventBridge's pattern semantics) must agree
 * with the offline matcher the CLI uses, for every positive and negative sample.
 */
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { EventBridgeClient, TestEventPatternCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DETECTIONS } from '../../detections/index.js';
import { matchesPattern } from '../../detections/kernel/match.js';
import { EMULATOR_DIFFERS, MATCH_CASES, MATCH_EVENT } from '../detections/match-cases.js';

vi.setConfig({ testTimeout: 30_000, hookTimeout: 300_000 });
const START = fileURLToPath(new URL('../../../shared/emulator/start.sh', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

let pid: number | undefined;
let client: EventBridgeClient;
beforeAll(async () => {
  const port = await freePort();
  // The server runs botocore: the test's blank AWS_PROFILE would make it fail every request.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  pid = Number(execFileSync('bash', [START, String(port)], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'inherit'] }).trim());
  client = new EventBridgeClient({ region: 'eu-west-3', endpoint: `http://127.0.0.1:${port}`, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  await untilReady();
});

/** start.sh returns once the server process runs; it answers a moment later. */
async function untilReady(): Promise<void> {
  const probe = { EventPattern: '{"source":["probe"]}', Event: JSON.stringify({ id: '1', account: '111122223333', source: 'probe', time: '2026-11-28T10:00:00Z', region: 'eu-west-3', resources: [], 'detail-type': 'probe', detail: {} }) };
  for (let attempt = 0; ; attempt += 1) {
    try {
      await client.send(new TestEventPatternCommand(probe));
      return;
    } catch (error) {
      if (attempt >= 60) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
afterAll(() => {
  if (pid) process.kill(pid);
});

const samples = DETECTIONS.flatMap((detection) =>
  (['positive', 'negative'] as const).flatMap((kind) => detection.samples[kind].map((sample) => ({ id: detection.id, kind, name: sample.name, detection, event: sample.event }))),
);

describe('detection patterns: offline matcher agrees with TestEventPattern', () => {
  it.each(samples)('$id ($kind): $name', async ({ detection, kind, event }) => {
    const offline = matchesPattern(event, detection.pattern);
    const { Result } = await client.send(new TestEventPatternCommand({ EventPattern: JSON.stringify(detection.pattern), Event: JSON.stringify(event) }));
    expect(Result).toBe(offline);
    if (kind === 'positive') expect(Result).toBe(true);
  });
});

describe('matcher semantics: the offline cases agree with TestEventPattern', () => {
  it.each(MATCH_CASES)('%s', async (name, pattern, expected) => {
    const { Result } = await client.send(new TestEventPatternCommand({ EventPattern: JSON.stringify(pattern), Event: JSON.stringify(MATCH_EVENT) }));
    // Where the emulator departs from the documented semantics, pin its (wrong) answer.
    expect(Result).toBe(EMULATOR_DIFFERS.has(name) ? !expected : expected);
  });
});
