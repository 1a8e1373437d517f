import { AwsSecurityFinding$, BatchImportFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { Ajv } from 'ajv';
import { mockClient } from 'aws-sdk-client-mock';
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveShape, type Shape } from '../../automations/sdk-model.js';
import { runScan, type ScanOptions } from '../../cli/commands/scan.js';
import { ASFF_LIMITS, asffFindings, type AsffFinding } from '../../cli/report/asff.js';
import { CSV_COLUMNS } from '../../cli/report/csv.js';
import { exitStatus } from '../../cli/report/fail-on.js';
import { remediationCommand, type ScanReport } from '../../cli/report/model.js';
import { OCSF_COMPLIANCE_STATUS, OCSF_SEVERITY_ID } from '../../cli/report/ocsf.js';
import { sendToSecurityHub } from '../../cli/security-hub.js';

const demo: ScanOptions = { demo: true, format: 'json', color: false, region: [], account: [], param: [], roleName: 'R', concurrency: 1 };

async function scanDemo(format: string): Promise<{ report: ScanReport; rendered: string }> {
  return runScan({ ...demo, format });
}

let report: ScanReport;
beforeAll(async () => {
  ({ report } = await scanDemo('json'));
});

describe('--format csv', () => {
  it('has one row per result under a header row, and round-trips through an RFC 4180 parser', async () => {
    const { rendered } = await scanDemo('csv');
    const rows = parse<Record<string, string>>(rendered, { columns: true, record_delimiter: '\r\n' });
    expect(Object.keys(rows[0] ?? {})).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(report.results.length);
    rows.forEach((row, i) => {
      const finding = report.results[i]!;
      expect(row).toMatchObject({ status: finding.complianceType, rule: finding.ruleId, account: finding.accountId, resource_id: finding.resourceId, reason: finding.annotation });
      expect(row.fix_command).toBe(remediationCommand(finding) ?? '');
    });
  });

  it('neutralises values a spreadsheet would run as formulas', async () => {
    const { renderCsv } = await import('../../cli/report/csv.js');
    const tampered: ScanReport = { ...report, results: [{ ...report.results[0]!, annotation: '=HYPERLINK("http://x")' }] };
    const [row] = parse<Record<string, string>>(renderCsv(tampered), { columns: true });
    expect(row?.reason).toBe(`'=HYPERLINK("http://x")`);
  });
});

/** Checks a value against the SDK's model of the shape: no member the API does not know, every required member present. */
function checkAgainstModel(value: unknown, shape: Shape, path: string, problems: string[]): void {
  if (shape.kind === 'structure') {
    const object = value as Record<string, unknown>;
    for (const required of shape.required) if (object[required] === undefined) problems.push(`${path}.${required} is required`);
    for (const [key, member] of Object.entries(object)) {
      const memberShape = shape.members.get(key);
      if (!memberShape) problems.push(`${path}.${key} is not a member of ${shape.name}`);
      else checkAgainstModel(member, memberShape(), `${path}.${key}`, problems);
    }
  } else if (shape.kind === 'list') {
    (value as unknown[]).forEach((item, i) => checkAgainstModel(item, shape.member(), `${path}[${i}]`, problems));
  }
}

describe('--format asff', () => {
  let findings: AsffFinding[];
  beforeAll(async () => {
    findings = JSON.parse((await scanDemo('asff')).rendered) as AsffFinding[];
  });

  it('gives every COMPLIANT and NON_COMPLIANT result, and leaves NOT_APPLICABLE out', () => {
    expect(findings).toHaveLength(report.summary.COMPLIANT + report.summary.NON_COMPLIANT);
    expect(findings.filter((f) => f.Compliance.Status === 'FAILED')).toHaveLength(report.summary.NON_COMPLIANT);
  });

  it('matches the Security Hub API model of AwsSecurityFinding (members and required members)', () => {
    const problems: string[] = [];
    findings.forEach((finding, i) => checkAgainstModel(finding, resolveShape(AwsSecurityFinding$), `[${i}]`, problems));
    expect(problems).toEqual([]);
  });

  // https://docs.aws.amazon.com/securityhub/latest/userguide/asff-required-attributes.html
  // https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_AwsSecurityFinding.html
  it('has every attribute the ASFF guide requires, within the documented limits and values', () => {
    const required = ['AwsAccountId', 'CreatedAt', 'Description', 'GeneratorId', 'Id', 'ProductArn', 'Resources', 'SchemaVersion', 'Severity', 'Title', 'Types', 'UpdatedAt'];
    for (const finding of findings) {
      for (const key of required) expect(finding, key).toHaveProperty(key);
      expect(finding.SchemaVersion).toBe('2018-10-08');
      expect(finding.AwsAccountId).toMatch(/^\d{12}$/);
      expect(finding.ProductArn).toBe(`arn:aws:securityhub:${finding.Resources[0]!.Region}:${finding.AwsAccountId}:product/${finding.AwsAccountId}/default`);
      expect(finding.Id.length).toBeLessThanOrEqual(ASFF_LIMITS.Id);
      expect(finding.Title.length).toBeLessThanOrEqual(ASFF_LIMITS.Title);
      expect(finding.Description.length).toBeLessThanOrEqual(ASFF_LIMITS.Description);
      expect(finding.Resources.length).toBeGreaterThan(0);
      expect(finding.Resources.length).toBeLessThanOrEqual(32);
      expect(['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']).toContain(finding.Severity.Label);
      expect(['PASSED', 'WARNING', 'FAILED', 'NOT_AVAILABLE']).toContain(finding.Compliance.Status);
      expect(Object.keys(finding.ProductFields).length).toBeLessThanOrEqual(50);
      for (const value of Object.values(finding.ProductFields)) expect(value.length).toBeLessThanOrEqual(ASFF_LIMITS.ProductFieldValue);
      if (finding.Remediation) expect(finding.Remediation.Recommendation.Text.length).toBeLessThanOrEqual(ASFF_LIMITS.RecommendationText);
      expect(new Date(finding.CreatedAt).toISOString()).toBe(finding.CreatedAt);
    }
  });

  it('names the resource by ARN and Security Hub type, and keeps one Id per rule and resource', () => {
    const vpc = findings.find((f) => f.Resources[0]!.Type === 'AwsEc2Vpc');
    expect(vpc?.Resources[0]!.Id).toMatch(/^arn:aws:ec2:eu-west-3:\d{12}:vpc\/vpc-[0-9a-f]+$/);
    const repository = findings.find((f) => f.Resources[0]!.Type === 'AwsEcrRepository');
    expect(repository?.Resources[0]!.Id).toMatch(/^arn:aws:ecr:eu-west-3:\d{12}:repository\/.+/);
    expect(new Set(findings.map((f) => f.Id)).size).toBe(findings.length);
  });

  it('clips a long annotation to the Description limit with a visible mark', async () => {
    const long: ScanReport = { ...report, results: [{ ...report.results[0]!, annotation: 'x'.repeat(5000) }] };
    const [finding] = asffFindings(long);
    expect(finding?.Description).toHaveLength(ASFF_LIMITS.Description);
    expect(finding?.Description.endsWith(' [...]')).toBe(true);
  });
});

describe('--send-to-security-hub', () => {
  it('imports in batches of at most 100 per region and reports each finding Security Hub refused', async () => {
    const many: ScanReport = {
      ...report,
      results: Array.from({ length: 230 }, (_, i) => ({ ...report.results.find((f) => f.complianceType === 'NON_COMPLIANT')!, resourceId: `repo-${i}` })),
    };
    const securityHub = mockClient(SecurityHubClient);
    securityHub.on(BatchImportFindingsCommand).callsFake((input: { Findings: AsffFinding[] }) => ({
      SuccessCount: input.Findings.length - 1,
      FailureCount: 1,
      FailedFindings: [{ Id: input.Findings[0]!.Id, ErrorCode: 'InvalidInput', ErrorMessage: 'Finding does not belong to the calling account' }],
    }));
    const result = await sendToSecurityHub(many, (region) => new SecurityHubClient({ region }));
    const sizes = securityHub.commandCalls(BatchImportFindingsCommand).map((call) => call.args[0].input.Findings?.length);
    expect(sizes).toEqual([100, 100, 30]);
    expect(result.imported).toBe(227);
    expect(result.failures).toHaveLength(3);
    expect(result.failures[0]).toContain('InvalidInput: Finding does not belong to the calling account');
    expect(result.summary).toBe('Security Hub: 227 of 230 finding(s) imported in 1 region(s).');
    securityHub.restore();
  });
});

describe('--format ocsf', () => {
  const schema = JSON.parse(readFileSync(new URL('../support/schemas/ocsf-1.1.0-compliance-finding.schema.json', import.meta.url), 'utf8')) as object;

  it('gives one OCSF 1.1.0 Compliance Finding per result, each valid against the class', async () => {
    const events = JSON.parse((await scanDemo('ocsf')).rendered) as Array<{ compliance: { status_id: number }; type_uid: number; class_uid: number; activity_id: number; time: number }>;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(events).toHaveLength(report.results.length);
    for (const event of events) expect(validate(event), JSON.stringify(validate.errors)).toBe(true);
    events.forEach((event, i) => {
      const finding = report.results[i]!;
      expect(event.compliance.status_id).toBe(OCSF_COMPLIANCE_STATUS[finding.complianceType].id);
      expect(event.type_uid).toBe(event.class_uid * 100 + event.activity_id);
      expect(event.time).toBe(Date.parse(report.evaluatedAt));
    });
  });

  it('maps severities to OCSF severity_id (Informational 1 ... Critical 5)', () => {
    expect(OCSF_SEVERITY_ID).toEqual({ INFORMATIONAL: 1, LOW: 2, MEDIUM: 3, HIGH: 4, CRITICAL: 5 });
  });
});

describe('--fail-on', () => {
  const withSeverities = (severity: 'MEDIUM' | 'HIGH'): ScanReport => ({ ...report, rules: report.rules.map((rule) => ({ ...rule, severity })) });

  it.each([
    ['non-compliant', 'MEDIUM', 1],
    ['medium', 'MEDIUM', 1],
    ['high', 'MEDIUM', 0],
    ['high', 'HIGH', 1],
    ['critical', 'HIGH', 0],
    ['never', 'HIGH', 0],
  ] as const)('--fail-on %s with %s findings exits %i', (failOn, severity, expected) => {
    expect(exitStatus(withSeverities(severity), failOn)).toBe(expected);
  });

  it('exits 2 when anything was not scanned, whatever the level', () => {
    const partial: ScanReport = { ...report, problems: [{ accountId: '111122223333', region: 'eu-west-1', message: 'AccessDenied' }] };
    expect(exitStatus(partial, 'never')).toBe(2);
  });
});
