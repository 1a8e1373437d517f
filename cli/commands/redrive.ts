/**
 * `ecr-guardrails redrive`: sends the messages of the admin stack's dead-letter queue
 * (`EcrGuardrails-RuleFailures`) back to the Lambdas that failed them (see cli/redrive.ts).
 * Run in the admin account, once per region, after fixing what made the evaluations fail.
 * Exit status 0 when every message was redriven, 2 when some were left in the queue or on an error.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { RULES } from '../../rules/index.js';
import { REGION_REGEXP, RULE_FAILURES_QUEUE_NAME } from '../../rules/names.js';
import { UsageError } from '../errors.js';

interface RedriveCommandOptions {
  profile?: string;
  region?: string;
  queue: string;
  max: number;
  dryRun?: boolean;
}

const SOME_LEFT = 2;

/** Registers `redrive`; returns the command. */
export function registerRedriveCommand(program: Command, summary: string): Command {
  return program
    .command('redrive')
    .summary(summary)
    .description(
      `Re-invoke the events in the dead-letter queue ${RULE_FAILURES_QUEUE_NAME} of the admin account: each goes back, asynchronously, to the rule or detection Lambda that failed it, and leaves the queue once Lambda accepts it. ` +
        'A periodic event is re-sent as of now (so it is judged by today\'s clock); messages that are not events of this app stay in the queue and are listed. ' +
        'Needs sqs:GetQueueUrl, sqs:ReceiveMessage, sqs:DeleteMessage and sqs:ChangeMessageVisibility on the queue and lambda:InvokeFunction on the EcrGuardrails-* functions.',
    )
    .option('--profile <name>', 'AWS profile of the admin account (default: the standard credential chain)')
    .option('--region <region>', 'region of the admin stack whose queue to redrive (default: AWS_REGION or the profile region)')
    .addOption(new Option('--queue <name>', 'dead-letter queue name').default(RULE_FAILURES_QUEUE_NAME))
    .addOption(
      new Option('--max <n>', 'redrive at most this many messages').default(1000).argParser((value: string) => {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new InvalidArgumentError('expected a whole number from 1 to 100000.');
        return n;
      }),
    )
    .option('--dry-run', 'list where each message would go; invoke nothing, delete nothing')
    .addHelpText(
      'after',
      '\nExit status: 0 every message redriven (or none waiting), 2 some left in the queue (listed) or an error.\n\nExamples:\n  ecr-guardrails redrive --profile audit --region eu-west-3 --dry-run\n  ecr-guardrails redrive --profile audit --region eu-west-3',
    )
    .action(async (options: RedriveCommandOptions) => {
      if (options.profile) process.env.AWS_PROFILE = options.profile;
      const [{ SQSClient }, { LambdaClient }, { redriveDeadLetters }] = await Promise.all([import('@aws-sdk/client-sqs'), import('@aws-sdk/client-lambda'), import('../redrive.js')]);
      if (options.region !== undefined && !REGION_REGEXP.test(options.region)) throw new UsageError(`--region ${options.region}: expected a region name such as eu-west-3.`);
      const region = options.region ? { region: options.region } : {};
      const sqs = new SQSClient(region);
      if (!(await sqs.config.region().catch(() => undefined))) throw new UsageError('No AWS region: pass --region or set AWS_REGION or a region in your profile.');
      const result = await redriveDeadLetters(
        { sqs, lambda: new LambdaClient(region) },
        { queueName: options.queue, ruleIds: RULES.map((r) => r.id), max: options.max, dryRun: options.dryRun === true, report: (line) => process.stdout.write(`${line}\n`) },
      );
      process.stderr.write(
        options.dryRun
          ? `${options.queue}: ${result.wouldRedrive} would be redriven, ${result.left - result.wouldRedrive} would stay (dry run: nothing invoked or deleted).\n`
          : `${options.queue}: ${result.redriven} redriven, ${result.left} left in the queue.\n`,
      );
      process.exitCode = !options.dryRun && result.left > 0 ? SOME_LEFT : 0;
    });
}
