/**
 * Suppresses repeats: alerts with the same key (detection, account, region, resource, actor,
 * change) within the window are one alert. The memory lives as long as the Lambda's execution
 * environment, so repeats that land on another concurrent environment are not suppressed.
 */
export class AlertDeduplicator {
  private readonly seen = new Map<string, number>();

  constructor(private readonly windowMs: number) {}

  /** True the first time a key is offered within the window (the alert should be sent). */
  offer(key: string, nowMs: number): boolean {
    for (const [k, at] of this.seen) if (nowMs - at >= this.windowMs) this.seen.delete(k);
    if (this.seen.has(key)) return false;
    this.seen.set(key, nowMs);
    return true;
  }
}
