import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { RULES } from '../../rules/index.js';
import sarifSchema from '../support/sarif-2.1.0-core.schema.json' with { type: 'json' };
import { runCli } from '../support/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ecr-guardrails-cli-'));
});

interface JsonReport {
  summary: Record<string, number>;
  rules: Array<{ id: string }>;
  results: Array<{
    ruleId: string;
    resourceId: string;
    complianceType: string;
    annotation: string;
    remediation?: { runbook: string; documentName: string; parameters: Record<string, string>; command: string };
  }>;
  problems: unknown[];
}

const snapshot = (repositories: unknown[], extra: Record<string, unknown> = {}) => ({
  format: 'ecr-guardrails-snapshot',
  version: 1,
  collectedAt: '2026-11-01T12:00:00.000Z',
  scopes: [{ accountId: '123456789012', region: 'us-east-1', partition: 'aws', facts: { 'ecr-tag-immutability': { repositories } } }],
  ...extra,
});
const repository = (repositoryName: string, imageTagMutability: string) => ({ repositoryName, imageTagMutability, exclusionFilters: [], tags: {} });

async function writeJson(name: string, content: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('ecr-guardrails scan --demo', () => {
  it('prints a readable table with each finding and its runbook, and exits 1', async () => {
    const { code, stdout, stderr } = await runCli(['scan', '--demo']);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    const row = (status: string, repo: string) => stdout.split('\n').find((line) => line.includes(` ${repo} `) && line.includes(status));
    expect(row('NON_COMPLIANT', 'payments/worker')).toContain('EnableEcrTagImmutability');
    expect(row('NON_COMPLIANT', 'frontend/web')).toContain("Every tag except those matching 'release-*' can be overwritten");
    expect(row('NON_COMPLIANT', 'platform/base-images')).toContain("'latest', 'nightly-*'");
    expect(row('COMPLIANT', 'payments/api')).toBeDefined();
    expect(row('NOT_APPLICABLE', 'sandbox/experiments')).toContain('Scratch images, never deployed');
    expect(stdout).toContain('aws ssm start-automation-execution --region eu-west-3 --document-name EcrGuardrails-');
    // eslint-disable-next-line no-control-regex -- the escape character is what this test looks for
    expect(stdout).not.toMatch(/\x1b\[/); // NO_COLOR and not a terminal: plain text
  });

  it('--format json gives every result with its runbook command and consistent counts', async () => {
    const { code, stdout } = await runCli(['scan', '--demo', '--format', 'json']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as JsonReport;
    for (const type of ['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE']) {
      expect(report.summary[type]).toBe(report.results.filter((r) => r.complianceType === type).length);
    }
    expect(report.summary.total).toBe(report.results.length);
    for (const result of report.results) {
      if (result.complianceType === 'NON_COMPLIANT' && result.remediation) {
        expect(result.remediation.documentName).toBe(`EcrGuardrails-${result.remediation.runbook}`);
        expect(result.remediation.command).toContain(`--document-name ${result.remediation.documentName}`);
      } else expect(result.remediation).toBeUndefined();
    }
    // Only findings no runbook fixes come without one: vulnerabilities and failed scans (rebuild the
    // image), DNS that bypasses the VPC resolver (custom DHCP servers: not the runbook's to change),
    // and replication to an outside account (fixed at the registry).
    const withoutRunbook = report.results.filter((r) => r.complianceType === 'NON_COMPLIANT' && !r.remediation).map((r) => `${r.ruleId} ${r.resourceId}`).sort();
    expect(withoutRunbook).toEqual(['ecr-image-scanning payments/worker', 'ecr-image-scanning platform/base-images', 'ecr-repository-access payments/worker', 'ecr-vpc-endpoints vpc-0a1b2c3d4e5f60011'].sort());
    const tagResults = Object.fromEntries(report.results.filter((r) => r.ruleId === 'ecr-tag-immutability').map((r) => [r.resourceId, r.complianceType]));
    expect(tagResults).toEqual({
      'payments/api': 'COMPLIANT',
      'payments/worker': 'NON_COMPLIANT',
      'platform/base-images': 'NON_COMPLIANT',
      'platform/ci-runner': 'COMPLIANT',
      'frontend/web': 'NON_COMPLIANT',
      'sandbox/experiments': 'NOT_APPLICABLE',
    });
    const worker = report.results.find((r) => r.ruleId === 'ecr-tag-immutability' && r.resourceId === 'payments/worker');
    expect(worker?.remediation?.parameters).toEqual({
      RepositoryName: 'payments/worker',
      Mode: 'IMMUTABLE',
      AutomationAssumeRole: 'arn:aws:iam::111122223333:role/EcrGuardrailsAutomationRole',
    });
    // The demo covers every registered rule.
    expect(report.rules.map((rule) => rule.id).sort()).toEqual(RULES.map((rule) => rule.id).sort());
  });

  it('--format sarif is valid SARIF 2.1.0 with one result per NON_COMPLIANT finding', async () => {
    const [sarif, json] = await Promise.all([runCli(['scan', '--demo', '--format', 'sarif']), runCli(['scan', '--demo', '--format', 'json'])]);
    const log = JSON.parse(sarif.stdout) as { runs: Array<{ results: Array<{ ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }>; tool: { driver: { rules: Array<{ id: string }> } } }> };
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(sarifSchema);
    expect(validate(log), ajv.errorsText(validate.errors)).toBe(true);
    const nonCompliant = (JSON.parse(json.stdout) as JsonReport).results.filter((r) => r.complianceType === 'NON_COMPLIANT');
    const run = log.runs[0];
    expect(run?.results).toHaveLength(nonCompliant.length);
    for (const result of run?.results ?? []) {
      expect(run?.tool.driver.rules.map((rule) => rule.id)).toContain(result.ruleId);
      // Code scanning accepts only repository-relative paths, not URI schemes.
      expect(result.locations[0]?.physicalLocation.artifactLocation.uri).toMatch(/^aws\/\d{12}\/[a-z0-9-]+\/[a-z0-9-]+\/.+/);
    }
  });

  it('--output writes the report to a file and says so on stderr', async () => {
    const output = join(dir, 'report.json');
    const { code, stdout, stderr } = await runCli(['scan', '--demo', '--format', 'json', '--output', output]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^Report written to .*report\.json: \d+ NON_COMPLIANT of \d+\.\n$/);
    expect((JSON.parse(await readFile(output, 'utf8')) as JsonReport).results.length).toBeGreaterThan(0);
  });

  it('--rules and --param change what is evaluated', async () => {
    const { code, stdout } = await runCli([
      'scan', '--demo', '--format', 'json', '--rules', 'ecr-tag-immutability', '--param', 'AllowedExclusionFilters=latest,nightly-*',
    ]);
    const report = JSON.parse(stdout) as JsonReport;
    expect(code).toBe(1);
    expect(report.rules.map((rule) => rule.id)).toEqual(['ecr-tag-immutability']);
    expect(report.results.find((r) => r.resourceId === 'platform/base-images')?.complianceType).toBe('COMPLIANT');
  });
});

describe('ecr-guardrails scan --snapshot', () => {
  it('exits 0 when nothing is NON_COMPLIANT', async () => {
    const path = await writeJson('clean.json', snapshot([repository('svc/a', 'IMMUTABLE')]));
    const { code, stdout } = await runCli(['scan', '--snapshot', path]);
    expect(code).toBe(0);
    expect(stdout).toContain('0 NON_COMPLIANT, 1 COMPLIANT, 0 NOT_APPLICABLE of 1 evaluated.');
    expect(stdout).toContain(`snapshot ${path}, collected 2026-11-01T12:00:00.000Z`);
  });

  it('exits 1 with findings and names the account and region in the remediation', async () => {
    const path = await writeJson('dirty.json', snapshot([repository('svc/a', 'MUTABLE')]));
    const { code, stdout } = await runCli(['scan', '--snapshot', path, '--format', 'json']);
    expect(code).toBe(1);
    const result = (JSON.parse(stdout) as JsonReport).results[0];
    expect(result?.remediation?.command).toBe(
      'aws ssm start-automation-execution --region us-east-1 --document-name EcrGuardrails-EnableEcrTagImmutability --parameters RepositoryName=svc/a,Mode=IMMUTABLE,AutomationAssumeRole=arn:aws:iam::123456789012:role/EcrGuardrailsAutomationRole',
    );
  });

  it.each([
    ['missing.json', null, 'missing.json: no such snapshot file.'],
    ['broken.json', '{"format": ', 'broken.json: snapshot is not valid JSON'],
    ['future.json', snapshot([], { version: 7 }), 'future.json: snapshot format version 7 is not supported (this ecr-guardrails reads version 1); collect it again with this version.'],
    ['other.json', { hello: 'world' }, 'other.json: not a valid ecr-guardrails snapshot: (top level) must have required property'],
    ['wrong-format.json', { ...snapshot([]), format: 'something-else' }, 'wrong-format.json: not a valid ecr-guardrails snapshot: /format must be "ecr-guardrails-snapshot" (is this an ecr-guardrails snapshot?).'],
    ['bad-account.json', { ...snapshot([]), scopes: [{ accountId: '12', region: 'us-east-1', partition: 'aws', facts: {} }] }, 'bad-account.json: not a valid ecr-guardrails snapshot: /scopes/0/accountId must match pattern'],
  ])('refuses %s with one clear line and exit 2', async (name, content, message) => {
    const path = content === null ? join(dir, name) : await writeJson(name, content);
    const { code, stdout, stderr } = await runCli(['scan', '--snapshot', path]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr.startsWith(`ecr-guardrails: error: ${dir}/`)).toBe(true);
    expect(stderr).toContain(message);
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe('usage errors', () => {
  it.each([
    [['scan', '--format', 'xml'], "error: option '--format <format>' argument 'xml' is invalid. Allowed choices are table, json, sarif, asff, ocsf, csv, html."],
    [['scan', '--frobnicate'], "error: unknown option '--frobnicate'"],
    [['scan', '--demo', '--rules', 'nope'], 'ecr-guardrails: error: --rules: unknown rule nope; available: '],
    [['scan', '--demo', '--param', 'Nope=1'], 'ecr-guardrails: error: --param Nope=1: Nope is not a parameter of any chosen rule; see `ecr-guardrails rules`.'],
    [['scan', '--demo', '--param', 'oops'], 'ecr-guardrails: error: --param oops: expected Key=Value or rule-id:Key=Value.'],
    [['scan', '--demo', '--param', 'AllowedExclusionFilters=bad filter'], 'ecr-guardrails: error: Invalid parameters for rule ecr-tag-immutability: AllowedExclusionFilters is "bad filter": expected a comma-separated list'],
    [['scan', '--demo', '--snapshot', 'x.json'], 'ecr-guardrails: error: --demo and --snapshot exclude each other: choose one source.'],
    [['scan', '--demo', '--region', 'eu-west-1'], 'ecr-guardrails: error: --profile, --region, --org and --account apply to live scans, not to --demo.'],
    [['scan', '--region', 'Europe'], 'ecr-guardrails: error: --region Europe: expected a region name such as eu-west-3, or all.'],
    [['scan', '--concurrency', '0'], "error: option '--concurrency <n>' argument '0' is invalid. expected a whole number from 1 to 32."],
    [['collect'], "error: required option '--output <file>' not specified"],
    [['nonsense'], "error: unknown command 'nonsense'"],
  ])('%j exits 2 with a clear message', async (args, message) => {
    const { code, stderr } = await runCli(args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('a live scan without credentials explains what to do, with no stack trace', async () => {
    const { code, stderr } = await runCli(['scan', '--region', 'eu-west-3']);
    expect(code).toBe(2);
    expect(stderr).toBe(
      'ecr-guardrails: error: No AWS credentials found: pass --profile, set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or try --demo.\n',
    );
  });

  it('a live scan without a region says how to give one', async () => {
    const { code, stderr } = await runCli(['scan']);
    expect(code).toBe(2);
    expect(stderr).toBe('ecr-guardrails: error: No AWS region: pass --region (repeatable) or set AWS_REGION or a region in your profile.\n');
  });
});

describe('help', () => {
  it('scan --help explains sources, formats, exit codes and gives examples', async () => {
    const { code, stdout } = await runCli(['scan', '--help']);
    expect(code).toBe(0);
    for (const text of ['--demo', '--snapshot <file>', '--org', '--format <format>', 'Exit status: 0 nothing NON_COMPLIANT', 'ecr-guardrails scan --demo']) {
      expect(stdout).toContain(text);
    }
  });

  it('no arguments prints the overview with the demo command', async () => {
    const { code, stdout } = await runCli([]);
    expect(code).toBe(0);
    expect(stdout).toContain('scan');
    expect(stdout).toContain('ecr-guardrails scan --demo');
  });

  it('rules lists every registered rule with its parameters and runbooks', async () => {
    const { code, stdout } = await runCli(['rules']);
    expect(code).toBe(0);
    for (const rule of RULES) {
      expect(stdout).toContain(`${rule.id}: ${rule.title}`);
      for (const name of Object.keys(rule.parameters.properties)) expect(stdout).toContain(`    ${name}: `);
      for (const remediation of rule.remediations) expect(stdout).toContain(`EcrGuardrails-${remediation.runbook}`);
    }
  });
});
