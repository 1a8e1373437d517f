#!/usr/bin/env node
// The pinned SDK supports Node 20; its notice about future releases is not for scan output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { Command, CommanderError } from 'commander';
import { EcrGuardrailsError } from '../rules/kernel/errors.js';
import { COMMANDS } from './commands/index.js';
import { explainAwsError } from './errors.js';
import { packageVersion } from './package-root.js';

/** Exit statuses: 0 clean, 1 NON_COMPLIANT findings, 2 usage or AWS errors. */
const USAGE_OR_AWS_ERROR = 2;

/**
 * The `ecr-guardrails` program. Only the command being run is loaded (with its rules and
 * SDK clients); the others are registered by name and summary, which is all `--help` shows,
 * so `--version` and `--help` start in node's own time. `all` loads every command.
 */
export async function createProgram(argv: readonly string[] = [], all = false): Promise<Command> {
  const program = new Command('ecr-guardrails')
    .description('Guardrails for Amazon ECR across an AWS Organization: private VPC endpoint coverage, tag immutability, stale images, image scanning and repository access, each finding mapped to the SSM Automation runbook that fixes it (where one can).')
    .version(packageVersion())
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const words = argv.filter((arg) => !arg.startsWith('-'));
  // `help scan` shows scan's own help, so it needs scan's definition.
  const invoked = words[0] === 'help' ? words[1] : words[0];
  for (const entry of COMMANDS) {
    if (all || entry.name === invoked) (await entry.load()).register(program, entry.summary);
    else program.command(entry.name).summary(entry.summary).allowUnknownOption();
  }
  program.commands.forEach((command) => command.exitOverride());
  program.addHelpText('after', '\nStart here (no AWS account needed):\n  ecr-guardrails scan --demo');
  return program;
}

function fail(message: string): void {
  process.stderr.write(`ecr-guardrails: error: ${message}\n`);
  process.exitCode = USAGE_OR_AWS_ERROR;
}

/**
 * A reader that closes the pipe early (`ecr-guardrails --help | head -1`) is not an error: the
 * rest of the output is dropped, with no stack trace, and the exit status stays the command's.
 */
function ignoreClosedStdout(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
  });
}

/** Runs the CLI on `argv` (process.argv shape) and sets `process.exitCode`: 0 clean, 1 findings, 2 usage or AWS errors. */
export async function main(argv: string[]): Promise<void> {
  ignoreClosedStdout();
  const program = await createProgram(argv.slice(2));
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
