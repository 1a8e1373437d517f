/**
 * The automatic rule's EventBridge pattern (infra/security-hub.ts) on "Imported" events, with
 * the project's EventBridge matcher (detections/kernel/match.ts; EventBridge matches a pattern
 * field against every element of an array of objects such as `detail.findings`:
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-arrays.html).
 */
import { describe, expect, it } from 'vitest';
import { matchesPattern, type EventPattern } from '../../detections/kernel/match.js';
import { automaticPattern } from '../../infra/security-hub.js';
import { ACCOUNT, REGION, configRuleFinding, controlFinding, customActionEvent, importedEvent, repositoryArn } from './findings.js';

const pattern = automaticPattern(['EC2.56', 'ECR.2'], [ACCOUNT], REGION) as EventPattern;

describe('automatic remediation pattern', () => {
  it.each([
    ['a new FAILED ECR.2 finding of a target account in this region', importedEvent([controlFinding('ECR.2')]), true],
    ['the same finding after our update (NOTIFIED)', importedEvent([controlFinding('ECR.2', { Workflow: { Status: 'NOTIFIED' } })]), false],
    ['the same finding RESOLVED', importedEvent([controlFinding('ECR.2', { Workflow: { Status: 'RESOLVED' } })]), false],
    ['the finding once it PASSED', importedEvent([controlFinding('ECR.2', { Compliance: { Status: 'PASSED', SecurityControlId: 'ECR.2' } })]), false],
    ['an archived finding', importedEvent([controlFinding('ECR.2', { RecordState: 'ARCHIVED' })]), false],
    ['a control not configured', importedEvent([controlFinding('ECR.3')]), false],
    ['another account', importedEvent([controlFinding('ECR.2', { AwsAccountId: '777788889999', Resources: [{ Type: 'AwsEcrRepository', Id: repositoryArn('r', '777788889999') }] })]), false],
    ['an aggregated finding of another region', importedEvent([controlFinding('ECR.2', { Region: 'us-east-1' })]), false],
    ['a finding of our own Config rule', importedEvent([configRuleFinding('ecr-guardrails-ecr-tag-immutability', { Type: 'AwsEcrRepository', Id: repositoryArn() })]), false],
    ['a custom action event', customActionEvent([controlFinding('ECR.2')]), false],
  ])('%s: %s', (_case, event, expected) => {
    expect(matchesPattern(event, pattern)).toBe(expected);
  });

  it('leaves out the account filter when no accounts are configured', () => {
    const any = automaticPattern(['ECR.2'], undefined, REGION) as EventPattern;
    expect(matchesPattern(importedEvent([controlFinding('ECR.2', { AwsAccountId: '777788889999' })]), any)).toBe(true);
  });
});
