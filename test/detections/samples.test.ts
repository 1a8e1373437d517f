import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DETECTIONS } from '../../detections/index.js';
import { classifyEvent } from '../../detections/kernel/detect.js';
import { matchesPattern } from '../../detections/kernel/match.js';
import { SAMPLE_CONTEXT } from '../../detections/kernel/samples.js';
import { RULES } from '../../rules/index.js';
import { SEVERITIES, severityRank } from '../../rules/kernel/severity.js';

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
/** Rules being built in parallel lanes; a detection may name them before they land. */
const PENDING_RULES = ['ecr-repository-access'];

const positives = DETECTIONS.flatMap((detection) => detection.samples.positive.map((sample) => ({ id: detection.id, name: sample.name, detection, sample })));
const negatives = DETECTIONS.flatMap((detection) => detection.samples.negative.map((sample) => ({ id: detection.id, name: sample.name, detection, sample })));

describe('DETECTIONS registry', () => {
  it('has one folder per detection and one detection per folder', () => {
    const folders = readdirSync(root('detections'), { withFileTypes: true }).filter((entry) => entry.isDirectory() && entry.name !== 'kernel').map((entry) => entry.name).sort();
    expect(DETECTIONS.map((d) => d.id).sort()).toEqual(folders);
  });

  it.each(DETECTIONS.map((d) => [d.id, d] as const))('%s names a known rule and an existing runbook, and has positive and negative samples', (_id, detection) => {
    if (detection.relatedRule) expect([...RULES.map((r) => r.id), ...PENDING_RULES]).toContain(detection.relatedRule);
    if (detection.runbook) expect(existsSync(root(`automations/${detection.runbook}.yaml`))).toBe(true);
    expect(detection.samples.positive.length).toBeGreaterThan(0);
    expect(detection.samples.negative.length).toBeGreaterThan(0);
    expect(JSON.stringify(detection.pattern).length).toBeLessThanOrEqual(4096); // EventBridge's pattern size limit
    for (const sample of [...detection.samples.positive, ...detection.samples.negative]) expect(sample.source).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
  });
});

describe('positive samples', () => {
  it.each(positives)('$id: $name matches the pattern and raises an alert', ({ detection, sample }) => {
    expect(matchesPattern(sample.event, detection.pattern)).toBe(true);
    const alert = classifyEvent(detection, sample.event, SAMPLE_CONTEXT);
    expect(alert).toBeDefined();
    expect(alert!.detectionId).toBe(detection.id);
    expect(SEVERITIES).toContain(alert!.severity);
    expect(severityRank(alert!.severity)).toBeLessThanOrEqual(severityRank(detection.severity));
    expect(alert!.resourceId).not.toMatch(/^$|unknown/);
    expect(alert!.account).toBe(sample.event.account);
    expect(alert!.actor.arn).toMatch(/^arn:aws:|amazonaws\.com$|^AWSAccount \d{12} /);
    // A failed call is only ever reported as a denied attempt, never as the change.
    if (typeof sample.event.detail.errorCode === 'string') expect(alert).toMatchObject({ denied: sample.event.detail.errorCode, change: expect.stringMatching(/^attempt denied/) });
    expect(alert!.dedupeKey).toContain(alert!.resourceId);
    // Matched by no other detection: one change, one alert.
    expect(DETECTIONS.filter((other) => other !== detection && matchesPattern(sample.event, other.pattern))).toEqual([]);
  });
});

describe('negative samples', () => {
  it.each(negatives)('$id: $name raises no alert', ({ detection, sample }) => {
    const alert = matchesPattern(sample.event, detection.pattern) ? classifyEvent(detection, sample.event, SAMPLE_CONTEXT) : undefined;
    expect(alert).toBeUndefined();
  });
});
