/**
 * `ecr-guardrails runbooks`: per runbook, its parameters, the IAM actions it needs (and which
 * steps need them) and the rules it remediates, so a reviewer reads the permissions in one
 * place. `runbooks --check` validates every runbook and exits 1 with the messages.
 */
import type { Command } from 'commander';
import { automationRoleActions, displayPath, loadRunbooks, runbookActions, type Runbook } from '../../automations/catalog.js';
import { SchemaUnavailableError } from '../../automations/schema.js';
import { formatProblem, validateRunbooks } from '../../automations/validate.js';
import { RULES } from '../../rules/index.js';
import type { Rule } from '../../rules/kernel/types.js';

/** The report `ecr-guardrails runbooks` prints. */
export function describeRunbooks(runbooks: readonly Runbook[] = loadRunbooks(), rules: readonly Rule[] = RULES): string {
  const out: string[] = [];
  for (const runbook of runbooks) {
    out.push(`${runbook.documentName} (${displayPath(runbook.path)})`);
    const remediating = rules.flatMap((rule) =>
      rule.remediations
        .map((remediation, index) => ({ remediation, index }))
        .filter(({ remediation }) => remediation.runbook === runbook.name)
        .map(({ remediation, index }) => {
          const role = index === 0 ? 'Config "Remediate" button' : 'offered in reports';
          return `${rule.id} (${role}${remediation.destructive ? ', destructive: never automatic' : ''}; resource id -> ${remediation.resourceIdParameter})`;
        }),
    );
    out.push(`  Remediates: ${remediating.length ? remediating.join('; ') : 'no rule (not referenced by any rule remediation)'}`);
    out.push('  Parameters:');
    for (const [name, def] of Object.entries(runbook.document.parameters ?? {})) {
      const facts: string[] = [def.type];
      facts.push(def.default === undefined ? 'required' : `default ${JSON.stringify(def.default)}`);
      if (def.allowedValues) facts.push(`one of ${def.allowedValues.join(', ')}`);
      if (def.maxItems !== undefined) facts.push(`at most ${def.maxItems} items`);
      out.push(`    ${name} (${facts.join(', ')})${def.description ? `: ${def.description}` : ''}`);
      if (def.allowedPattern) out.push(`      pattern: ${def.allowedPattern}`);
    }
    out.push('  IAM actions:');
    for (const action of runbook.actions) {
      const steps = runbook.document.mainSteps
        .filter((step) => runbookActions({ ...runbook.document, mainSteps: [step] }).includes(action))
        .map((step) => `${step.name}${step.action === 'aws:executeScript' ? ' (script)' : ''}`);
      out.push(`    ${action}  <- ${steps.join(', ')}`);
    }
    out.push(`  Steps: ${runbook.document.mainSteps.map((s) => `${s.name} [${s.action.replace('aws:', '')}]`).join(' -> ')}`, '');
  }
  out.push(`Automation role (all runbooks): ${automationRoleActions(runbooks).join(', ')}`, '');
  return out.join('\n');
}

/** Validation messages for every runbook (empty when all are valid). */
export function checkRunbooks(dir?: string): string[] {
  return validateRunbooks(dir).map(formatProblem);
}

/** Registers `runbooks` (and `runbooks --check`): prints or validates every runbook; returns the command. */
export function registerRunbooksCommand(program: Command, summary: string): Command {
  return program
    .command('runbooks')
    .summary(summary)
    .option('--check', 'validate every runbook (SSM schema and project rules); exit 1 with the problems')
    .action((options: { check?: boolean }) => {
      if (!options.check) {
        process.stdout.write(describeRunbooks());
        return;
      }
      let problems: string[];
      try {
        problems = checkRunbooks();
      } catch (error) {
        if (!(error instanceof SchemaUnavailableError)) throw error;
        process.stderr.write(`ecr-guardrails: error: ${error.message}\n`);
        process.exitCode = 2;
        return;
      }
      if (problems.length) {
        process.stderr.write(`${problems.join('\n')}\n${problems.length} problem(s) in runbooks\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`${loadRunbooks().length} runbook(s) valid\n`);
    });
}
