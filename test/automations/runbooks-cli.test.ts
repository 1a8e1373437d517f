import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkRunbooks, describeRunbooks, registerRunbooksCommand } from '../../cli/commands/runbooks.js';

const SOURCE = new URL('../../automations/EnableEcrTagImmutability.yaml', import.meta.url);

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

describe('ecr-guardrails runbooks', () => {
  it('prints each runbook with its parameters, IAM actions per step and the rule it remediates', () => {
    const text = describeRunbooks();
    expect(text).toContain('EcrGuardrails-EnableEcrTagImmutability (automations/EnableEcrTagImmutability.yaml)');
    expect(text).toContain('  Remediates: ecr-tag-immutability (Config "Remediate" button; resource id -> RepositoryName)');
    expect(text).toContain('    Mode (String, default "IMMUTABLE", one of IMMUTABLE, IMMUTABLE_WITH_EXCLUSION): ');
    expect(text).toContain('    ecr:PutImageTagMutability  <- PutImmutable, PutImmutableWithExclusion');
    expect(text).toContain('    ecr:DescribeRepositories  <- DescribeRepository, PlanExclusionFilters (script), VerifyTagImmutability');
    expect(text).toMatch(/^Automation role \(all runbooks\): .*ecr:PutImageTagMutability/m);
  });

  it('--check passes on automations/ and prints the count', async () => {
    const stdout = vi.spyOn(process.stdout, 'write').mockReturnValue(true);
    const program = new Command('ecr-guardrails').exitOverride();
    registerRunbooksCommand(program, 'list the runbooks');
    await program.parseAsync(['node', 'ecr-guardrails', 'runbooks', '--check']);
    expect(process.exitCode).toBeUndefined();
    expect(stdout).toHaveBeenCalledWith(expect.stringMatching(/^\d+ runbook\(s\) valid\n$/));
  });

  it('--check reports each problem with file, step and field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbooks-'));
    copyFileSync(SOURCE, join(dir, 'EnableEcrTagImmutability.yaml'));
    writeFileSync(join(dir, 'EnableEcrTagImmutability.yaml'), readFileSync(SOURCE, 'utf8').replace('Api: PutImageTagMutability\n      repositoryName', 'Api: PutImageTagMutabilty\n      repositoryName'));
    const problems = checkRunbooks(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/EnableEcrTagImmutability\.yaml: step 'PutImmutable': field 'inputs\.Api': 'PutImageTagMutabilty' is not an operation of service 'ecr'/);
  });
});
