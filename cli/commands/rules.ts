import type { Command } from 'commander';
import { RULES } from '../../rules/index.js';
import { expectedForm } from '../../rules/kernel/parameters.js';
import { DOCUMENT_PREFIX } from '../../rules/names.js';

/** `ecr-guardrails rules`: what each rule checks, its parameters, controls and runbooks. */
export function describeRules(): string {
  const out: string[] = [];
  for (const rule of RULES) {
    out.push(`${rule.id}: ${rule.title}`);
    out.push(`  ${rule.description}`);
    const periodic = rule.triggers.periodic ? `, periodic ${rule.triggers.periodic}` : '';
    out.push(`  Evaluates ${rule.resourceType}; triggered by changes to ${rule.triggers.changeResourceTypes.join(', ') || 'nothing'}${periodic}.`);
    out.push(`  Controls: Security Hub ${rule.controls.securityHub.join(', ')}; NIST SP 800-190 ${rule.controls.nist800190.join(', ')}; NIST SP 800-53 ${rule.controls.nist80053.join(', ')}.`);
    out.push('  Parameters:');
    for (const [name, property] of Object.entries(rule.parameters.properties)) {
      out.push(`    ${name}: ${expectedForm(property)}`);
      if (property.description) out.push(`      ${property.description}`);
    }
    out.push('  Runbooks:');
    for (const remediation of rule.remediations) {
      out.push(`    ${DOCUMENT_PREFIX}${remediation.runbook}${remediation.destructive ? ' (destructive, approval-gated)' : ''}: ${remediation.summary}`);
    }
    out.push(`  IAM actions to evaluate: ${rule.permissions.join(', ')}`, '');
  }
  return out.join('\n');
}

/** Registers `rules`: prints every rule with its parameters, controls, runbooks and IAM actions; returns the command. */
export function registerRulesCommand(program: Command, summary: string): Command {
  return program
    .command('rules')
    .summary(summary)
    .action(() => {
      process.stdout.write(describeRules());
    });
}
