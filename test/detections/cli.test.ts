import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeDetections, explainEvents, readEvents } from '../../cli/commands/detections.js';
import { DETECTIONS } from '../../detections/index.js';
import { SAMPLE_CONTEXT } from '../../detections/kernel/samples.js';
import { runCli } from '../support/cli.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/detection-event.json', import.meta.url));

describe('ecr-guardrails detections', () => {
  it('lists every detection with its pattern, severity and related rule', () => {
    const text = describeDetections();
    for (const detection of DETECTIONS) {
      expect(text).toContain(`${detection.id}: ${detection.title}`);
      expect(text).toContain(JSON.stringify(detection.pattern));
    }
    expect(text).toContain('related rule: ecr-tag-immutability; runbook EcrGuardrails-EnableEcrTagImmutability');
    expect(text).toMatch(/ecr-image-pulled-outside-org: [^\n]*\n(?: {2}[^\n]*\n){2} {2}Member rule: forwards only calls whose userIdentity.accountId is not the member's own account/);
  });

  it('classifies the bundled example: tags made mutable, who, where, what to do', () => {
    const { text, alerts } = explainEvents(readEvents(EXAMPLE), 'example.json', SAMPLE_CONTEXT);
    expect(alerts).toBe(1);
    expect(text).toContain('ecr-tag-mutability fires:');
    expect(text).toContain('[MEDIUM] Repository tags made mutable: tag mutability set to MUTABLE');
    expect(text).toContain('AWS::ECR::Repository payments/api in account 111122223333, eu-west-3');
    expect(text).toContain('By: arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/jane.doe@example.com from 203.0.113.24');
  });

  it('classifies an array of events, naming each, and says when nothing matches', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'detections-'));
    const file = join(dir, 'events.json');
    const [positive] = DETECTIONS.find((d) => d.id === 'vpc-dns-disabled')!.samples.positive;
    const unrelated = { ...positive!.event, source: 'aws.s3', detail: { eventSource: 's3.amazonaws.com', eventName: 'PutObject' } };
    await writeFile(file, JSON.stringify([positive!.event, unrelated]));
    const { text, alerts } = explainEvents(readEvents(file), file, SAMPLE_CONTEXT);
    expect(alerts).toBe(1);
    expect(text).toContain(`${file} [0]: ModifyVpcAttribute`);
    expect(text).toContain(`${file} [1]: PutObject in 111122223333 eu-west-3: no detection pattern matches`);
  });

  it.each([
    ['a CloudTrail record instead of an EventBridge event', { eventSource: 'ecr.amazonaws.com', eventName: 'DeleteRepository' }, /not an EventBridge event; missing string field\(s\) id, detail-type, source, account, time, region/],
    ['a string', 'hello', /expected an EventBridge event \(a JSON object\), got string/],
  ])('rejects %s with a clear message', (_name, value, message) => {
    expect(() => explainEvents([value], 'x.json', SAMPLE_CONTEXT)).toThrow(message);
  });

  it('runs from the binary: exit 1 and the alert for the example, exit 2 and a message for a missing file', async () => {
    const fired = await runCli(['detections', '--event', EXAMPLE, '--org-accounts', '111122223333']);
    expect(fired.code).toBe(1);
    expect(fired.stdout).toContain('ecr-tag-mutability fires:');
    const missing = await runCli(['detections', '--event', '/nonexistent/event.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--event /nonexistent/event.json: cannot read the file (ENOENT)');
    const badAccounts = await runCli(['detections', '--event', EXAMPLE, '--org-accounts', '12']);
    expect(badAccounts.stderr).toContain('--org-accounts: expected comma-separated 12-digit account ids');
  });
});
