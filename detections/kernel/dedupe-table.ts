/**
 * Deduplication shared by every execution environment of the detection Lambda: before an
 * alert is sent, one conditional PutItem claims its key (a hash of the alert's dedupe key:
 * detection, account, region, resource, actor and change) until the end of the window.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html
 *
 * - The item carries the window end as its TTL attribute (epoch seconds). TTL deletes expired
 *   items in the background, typically within a few days, and they still show up in reads and
 *   writes until then (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ttl-expired-items.html),
 *   so the condition also admits an item whose window has ended.
 * - A retry of the same event (Lambda retries an invocation whose alert failed to send) may
 *   claim the key again: the item records the event id, so an alert is never lost to its own
 *   earlier attempt.
 * - A conditional-check failure is a repeat; any other failure leaves the key unchecked and
 *   the alert goes out (never swallow an alert because the table was unreachable).
 */
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** The one call the detection Lambda makes on the table (its IAM action is derived from this). */
export const DEDUPE_TABLE_ACTION = 'dynamodb:PutItem';
/** Partition key (string): sha256 of the alert's dedupe key. */
export const DEDUPE_KEY_ATTRIBUTE = 'dedupeKey';
/** TTL attribute (number, epoch seconds): the end of the window. */
export const DEDUPE_TTL_ATTRIBUTE = 'expiresAt';
const EVENT_ATTRIBUTE = 'eventId';

/** The outcome of a claim: the first in its window, a repeat, or not checked (with why). */
export type DedupeClaim = { outcome: 'first' } | { outcome: 'repeat' } | { outcome: 'unchecked'; reason: string };

/** The table key of an alert's dedupe key (fixed length, no actor ARN stored in clear). */
export function dedupeItemKey(dedupeKey: string): string {
  return createHash('sha256').update(dedupeKey).digest('hex');
}

export class DedupeTable {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly windowSeconds: number,
  ) {}

  /** Claims `dedupeKey` for the window starting at `nowMs`, on behalf of event `eventId`. */
  async claim(dedupeKey: string, eventId: string, nowMs: number): Promise<DedupeClaim> {
    const now = Math.floor(nowMs / 1000);
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            [DEDUPE_KEY_ATTRIBUTE]: { S: dedupeItemKey(dedupeKey) },
            [DEDUPE_TTL_ATTRIBUTE]: { N: String(now + this.windowSeconds) },
            [EVENT_ATTRIBUTE]: { S: eventId },
          },
          ConditionExpression: 'attribute_not_exists(#key) OR #expires <= :now OR #event = :event',
          ExpressionAttributeNames: { '#key': DEDUPE_KEY_ATTRIBUTE, '#expires': DEDUPE_TTL_ATTRIBUTE, '#event': EVENT_ATTRIBUTE },
          ExpressionAttributeValues: { ':now': { N: String(now) }, ':event': { S: eventId } },
        }),
      );
      return { outcome: 'first' };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || (error as { name?: unknown }).name === 'ConditionalCheckFailedException') return { outcome: 'repeat' };
      const e = error as { name?: string; message?: string };
      return { outcome: 'unchecked', reason: `dynamodb:PutItem on ${this.tableName} failed: ${e.name ?? 'Error'}: ${e.message ?? String(error)}` };
    }
  }
}
