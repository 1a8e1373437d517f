/** A rate limiter for APIs with a per-second quota (Route 53: 5 requests per second per account). */
/**
 * At most `perSecond` calls started in any one-second window (Route 53: 5 per second per
 * account). Calls are admitted in order.
 */
export function createRateLimiter(perSecond: number, now: () => number = Date.now, sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))) {
  const recent: number[] = [];
  let chain: Promise<void> = Promise.resolve();
  return function limit<T>(call: () => Promise<T>): Promise<T> {
    const admitted = chain.then(async () => {
      for (;;) {
        const t = now();
        while (recent.length && recent[0]! <= t - 1000) recent.shift();
        if (recent.length < perSecond) {
          recent.push(t);
          return;
        }
        await sleep(recent[0]! + 1000 - t);
      }
    });
    chain = admitted;
    return admitted.then(call);
  };
}
export type RateLimiter = ReturnType<typeof createRateLimiter>;
