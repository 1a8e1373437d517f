/**
 * What a member account forwards. Every image pull in the organisation is a BatchGetImage
 * event; forwarding them all would invoke the detection Lambda once per pull (and, under its
 * reserved concurrency, delay every other detection). The pull detection alerts only on
 * callers of another account, so its member rule forwards only those
 * (`userIdentity.accountId` anything-but the member's own account, or absent): the same
 * samples must get the same verdict through the forwarding pattern as through classify.
 */
import { describe, expect, it } from 'vitest';
import { DETECTIONS } from '../../detections/index.js';
import { detection as pulled } from '../../detections/ecr-image-pulled-outside-org/detection.js';
import { classifyEvent } from '../../detections/kernel/detect.js';
import { forwardingPattern } from '../../detections/kernel/forwarding.js';
import { matchesPattern } from '../../detections/kernel/match.js';
import { SAMPLE_CONTEXT } from '../../detections/kernel/samples.js';

const samples = DETECTIONS.flatMap((detection) => [...detection.samples.positive, ...detection.samples.negative].map((sample) => ({ id: detection.id, name: sample.name, detection, event: sample.event })));

describe('forwarding patterns', () => {
  it('drops same-account pulls at the source', () => {
    const pattern = forwardingPattern(pulled, '111122223333');
    expect(pattern.detail).toMatchObject({ userIdentity: { accountId: [{ 'anything-but': ['111122223333'] }, { exists: false }] } });
    const sameAccount = pulled.samples.negative.find((s) => s.name === 'pull from the same account')!.event;
    expect(matchesPattern(sameAccount, pulled.pattern)).toBe(true);
    expect(matchesPattern(sameAccount, pattern)).toBe(false);
  });

  it.each(samples)('$id: $name — every event that alerts is forwarded', ({ detection, event }) => {
    const alert = matchesPattern(event, detection.pattern) ? classifyEvent(detection, event, SAMPLE_CONTEXT) : undefined;
    if (alert) expect(matchesPattern(event, forwardingPattern(detection, event.account))).toBe(true);
  });

  it('leaves the other detections\' patterns as they are', () => {
    for (const detection of DETECTIONS.filter((d) => d !== pulled)) expect(forwardingPattern(detection, '111122223333')).toBe(detection.pattern);
  });
});
