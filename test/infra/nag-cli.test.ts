/**
 * cdk-nag fails the synth of the member (StackSet) app under the real CDK CLI (issue 17 item 1).
 * The CLI passes `@aws-cdk/core:failSynthOnValidationErrors: false` in CDK_CONTEXT_JSON and
 * then only reads the validation report of the assembly it asked for; the member App writes
 * its report elsewhere, so it must fail on its own.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planFor } from '../../infra/build.js';
import { synthesizeMemberTemplates } from '../../infra/member.js';
import { runbooks } from './default-app.js';
import { config } from './support.js';

const FINDING = 'AwsSolutions-IAM5[Action::ecr:*]';

describe('cdk-nag on the member app', () => {
  it('fails `cdk synth` (real CLI, exit code) on an unacknowledged member finding', () => {
    const env = { ...process.env };
    // vitest sets NODE_ENV=test, which CDK takes as in-memory mode (throw on findings): the CLI
    // case is a plain process.
    delete env['NODE_ENV'];
    delete env['CDK_CONTEXT_JSON'];
    const result = spawnSync(
      join('node_modules', '.bin', 'cdk'),
      ['synth', '--quiet', '--app', 'npx tsx test/infra/fixtures/unacknowledged-member-app.ts', '--output', mkdtempSync(join(tmpdir(), 'ecr-guardrails-nag-cli-'))],
      { env, encoding: 'utf8', timeout: 120_000 },
    );
    expect(result.error).toBeUndefined();
    expect(result.stderr).toContain(FINDING);
    expect(result.status).not.toBe(0);
  }, 150_000);

  it('throws in-process with the context the CDK CLI passes (failSynthOnValidationErrors: false)', () => {
    const plan = planFor(config(), { runbooks });
    const saved = process.env['CDK_CONTEXT_JSON'];
    process.env['CDK_CONTEXT_JSON'] = JSON.stringify({ '@aws-cdk/core:failSynthOnValidationErrors': false, 'aws:cdk:enable-path-metadata': true });
    try {
      expect(() => synthesizeMemberTemplates({ ...plan, evaluationActions: [...plan.evaluationActions, 'ecr:*'] })).toThrow(FINDING);
      // The same plan without the wildcard synthesizes: the finding is what fails.
      expect(() => synthesizeMemberTemplates(plan)).not.toThrow();
    } finally {
      if (saved === undefined) delete process.env['CDK_CONTEXT_JSON'];
      else process.env['CDK_CONTEXT_JSON'] = saved;
    }
  });
});
