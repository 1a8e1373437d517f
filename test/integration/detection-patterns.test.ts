/**
 * Every detection sample against EventBridge's own matching: `TestEventPattern` of the local
 * emulator (its independent implementation of EventBridge's pattern semantics) must agree
 * with the offline matcher the CLI uses, for every positive and negative sample, and for the
 * member forwarding patterns that narrow a detection's pattern.
 */
import { EventBridgeClient, TestEventPatternCommand } from '@aws-sdk/client-eventbridge';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { DETECTIONS } from '../../detections/index.js';
import { forwardingPattern } from '../../detections/kernel/forwarding.js';
import { matchesPattern } from '../../detections/kernel/match.js';
import { EMULATOR_DIFFERS, MATCH_CASES, MATCH_EVENT } from '../detections/match-cases.js';

// The emulator is started once for the tier by global-setup.ts.
let client: EventBridgeClient;
beforeAll(() => {
  client = new EventBridgeClient({ region: 'eu-west-3', endpoint: inject('emulatorEndpoint'), credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
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

// Member forwarding patterns that narrow the detection's pattern (kernel/forwarding.ts), with the sample's own account.
const narrowed = samples.filter(({ detection }) => forwardingPattern(detection, '000000000000') !== detection.pattern);

describe('forwarding patterns: offline matcher agrees with TestEventPattern', () => {
  it.each(narrowed)('$id ($kind): $name', async ({ detection, event }) => {
    const pattern = forwardingPattern(detection, event.account);
    const { Result } = await client.send(new TestEventPatternCommand({ EventPattern: JSON.stringify(pattern), Event: JSON.stringify(event) }));
    expect(Result).toBe(matchesPattern(event, pattern));
  });
});

describe('matcher semantics: the offline cases agree with TestEventPattern', () => {
  it.each(MATCH_CASES)('%s', async (name, pattern, expected) => {
    const { Result } = await client.send(new TestEventPatternCommand({ EventPattern: JSON.stringify(pattern), Event: JSON.stringify(MATCH_EVENT) }));
    // Where the emulator departs from the documented semantics, pin its (wrong) answer.
    expect(Result).toBe(EMULATOR_DIFFERS.has(name) ? !expected : expected);
  });
});
