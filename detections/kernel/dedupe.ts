/**
 * The first-level repeat filter: alerts with the same key (detection, account, region,
 * resource, actor, change) within the window are one alert. The memory lives as long as the
 * Lambda's execution environment; the shared filter across environments is the DynamoDB
 * table (dedupe-table.ts). A key is remembered only once its alert was sent, so a retry after
 * a failed send is not mistaken for a repeat.
 */
export class AlertDeduplicator {
  private readonly seen = new Map<string, { at: number; eventId: string | undefined }>();

  constructor(private readonly windowMs: number) {}

  /** True when an alert with this key was sent within the window. */
  isRepeat(key: string, nowMs: number): boolean {
    return this.sentFor(key, nowMs) !== undefined;
  }

  /**
   * When an alert with this key was sent within the window: the id of the event it was sent for
   * ('' when unknown), so the retry of that same event can be told from a repeat; else undefined.
   */
  sentFor(key: string, nowMs: number): string | undefined {
    for (const [k, { at }] of this.seen) if (nowMs - at >= this.windowMs) this.seen.delete(k);
    const entry = this.seen.get(key);
    return entry === undefined ? undefined : (entry.eventId ?? '');
  }

  /** Records that the alert with this key was sent (or is known to be sent) at `nowMs`, for event `eventId`. */
  remember(key: string, nowMs: number, eventId?: string): void {
    if (this.windowMs > 0) this.seen.set(key, { at: nowMs, eventId });
  }
}
