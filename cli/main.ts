#!/usr/bin/env node
// The pinned SDK supports Node 20; its notice about future releases is not for scan output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { Command, CommanderError } from 'commander';
import { EcrGuardrailsError } from '../rules/kernel/errors.js';
import { registerCollectCommand } from './commands/collect.js';
import { registerRulesCommand } from './commands/rules.js';
import { registerRunbooksCommand } from './commands/runbooks.js';
import { registerScanCommand } from './commands/scan.js';
import { explainAwsError } from './targets.js';
import { packageVersion } from './package-root.js';

/** Exit statuses: 0 clean, 1 NON_COMPLIANT findings, 2 usage or AWS errors. */
const USAGE_OR_AWS_ERROR = 2;

export function createProgram(): Command {
  const program = new Command('ecr-guardrails')
    .description('Guardrails for Amazon ECR across an AWS Organization: private VPC endpoint coverage, tag immutability and stale images, each finding mapped to the SSM Automation runbook that fixes it.')
    .version(packageVersion())
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerScanCommand(program);
  registerCollectCommand(program);
  registerRulesCommand(program);
  registerRunbooksCommand(program);
  program.commands.forEach((command) => command.exitOverride());
  program.addHelpText('after', '\nStart here (no AWS account needed):\n  ecr-guardrails scan --demo');
  return program;
}

function fail(message: string): void {
  process.stderr.write(`ecr-guardrails: error: ${message}\n`);
  process.exitCode = USAGE_OR_AWS_ERROR;
}

export async function main(argv: string[]): Promise<void> {
  const program = createProgram();
  if (argv.length <= 2) {
    program.outputHelp();
    return;
  }
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; commander already printed its one-line usage error.
      process.exitCode = error.exitCode === 0 ? 0 : USAGE_OR_AWS_ERROR;
    } else if (error instanceof EcrGuardrailsError) {
      fail(error.message);
    } else {
      fail(explainAwsError(error));
    }
  }
}

await main(process.argv);
