import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../../rules/ecr-vpc-endpoints/rate-limit.js';

describe('Route 53 rate limiter', () => {
  it('starts at most 5 calls in any one-second window, in order', async () => {
    let now = 0;
    const sleeps: number[] = [];
    const limit = createRateLimiter(5, () => now, async (ms) => {
      sleeps.push(ms);
      now += ms;
    });
    const started: number[] = [];
    await Promise.all(Array.from({ length: 12 }, (_, i) => limit(async () => started.push(now) && i)));
    expect(started).toEqual([0, 0, 0, 0, 0, 1000, 1000, 1000, 1000, 1000, 2000, 2000]);
    for (let i = 5; i < started.length; i++) expect(started[i]! - started[i - 5]!).toBeGreaterThanOrEqual(1000);
    expect(sleeps).toEqual([1000, 1000]);
  });

  it('does not wait while under the limit', async () => {
    let now = 0;
    const limit = createRateLimiter(5, () => now, async () => {
      throw new Error('should not sleep');
    });
    for (let i = 0; i < 5; i++) {
      await limit(async () => undefined);
      now += 250;
    }
    now += 1000;
    await expect(limit(async () => 'ok')).resolves.toBe('ok');
  });
});
