/**
 * The shared dedupe table (detections/kernel/dedupe-table.ts): one conditional PutItem per
 * alert key (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html);
 * ConditionalCheckFailedException is a repeat, any other failure leaves the key unchecked so
 * the alert still goes out. Items whose TTL has passed may linger until TTL deletes them
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ttl-expired-items.html),
 * so the condition admits them.
 */
import { ConditionalCheckFailedException, DynamoDBClient, PutItemCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { AlertDeduplicator } from '../../detections/kernel/dedupe.js';
import { dedupeItemKey, DedupeTable } from '../../detections/kernel/dedupe-table.js';

const dynamo = mockClient(DynamoDBClient);
beforeEach(() => dynamo.reset());

const KEY = 'vpc-dns-disabled|111122223333|eu-west-3|vpc-0a1b2c3d4e5f60718|arn:aws:sts::111122223333:assumed-role/Admin/jane|enableDnsSupport turned off';
const table = () => new DedupeTable(new DynamoDBClient({ region: 'eu-west-3' }), 'EcrGuardrails-Dedupe', 900);

describe('shared dedupe table', () => {
  it('claims the hashed key until the end of the window, on condition that no live claim of another event exists', async () => {
    dynamo.on(PutItemCommand).resolves({});
    expect(await table().claim(KEY, 'event-1', 1_700_000_000_500)).toEqual({ outcome: 'first' });
    expect(dynamo).toHaveReceivedCommandTimes(PutItemCommand, 1);
    expect(dynamo).toHaveReceivedCommandWith(PutItemCommand, {
      TableName: 'EcrGuardrails-Dedupe',
      Item: { dedupeKey: { S: dedupeItemKey(KEY) }, expiresAt: { N: String(1_700_000_000 + 900) }, eventId: { S: 'event-1' } },
      ConditionExpression: 'attribute_not_exists(#key) OR #expires <= :now OR #event = :event',
      ExpressionAttributeNames: { '#key': 'dedupeKey', '#expires': 'expiresAt', '#event': 'eventId' },
      ExpressionAttributeValues: { ':now': { N: '1700000000' }, ':event': { S: 'event-1' } },
    });
    expect(dedupeItemKey(KEY)).toMatch(/^[0-9a-f]{64}$/);
    expect(dedupeItemKey(KEY)).not.toBe(dedupeItemKey(`${KEY}x`));
  });

  it('reports a repeat when the condition fails (another environment already alerted)', async () => {
    dynamo.on(PutItemCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    expect(await table().claim(KEY, 'event-2', 1_700_000_060_000)).toEqual({ outcome: 'repeat' });
  });

  it('leaves the key unchecked, naming the call and error, when the table cannot be written', async () => {
    dynamo.on(PutItemCommand).rejects(new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: {} }));
    expect(await table().claim(KEY, 'event-3', 1_700_000_000_000)).toEqual({ outcome: 'unchecked', reason: 'dynamodb:PutItem on EcrGuardrails-Dedupe failed: ResourceNotFoundException: Requested resource not found' });
    dynamo.on(PutItemCommand).rejects(Object.assign(new Error('User is not authorized to perform: dynamodb:PutItem'), { name: 'AccessDeniedException' }));
    expect(await table().claim(KEY, 'event-3', 1_700_000_000_000)).toMatchObject({ outcome: 'unchecked', reason: expect.stringContaining('AccessDeniedException') });
  });
});

describe('in-memory first-level filter', () => {
  it('treats a key as a repeat only after its alert was sent, and only within the window', () => {
    const memory = new AlertDeduplicator(900_000);
    expect(memory.isRepeat('k', 0)).toBe(false);
    // Not sent yet (e.g. SNS failed): a retry is not a repeat.
    expect(memory.isRepeat('k', 1_000)).toBe(false);
    memory.remember('k', 1_000);
    expect(memory.isRepeat('k', 900_999)).toBe(true);
    expect(memory.isRepeat('k', 901_000)).toBe(false);
  });

  it('remembers nothing with a window of 0', () => {
    const memory = new AlertDeduplicator(0);
    memory.remember('k', 5);
    expect(memory.isRepeat('k', 5)).toBe(false);
  });
});
