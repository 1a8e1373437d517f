import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { ruleRuns, selectRules } from '../options.js';
import { createProgress } from '../progress.js';
import { collectSnapshot } from '../scan.js';
import { writeSnapshot } from '../snapshot.js';
import { resolveTargets } from '../targets.js';
import { addCommonOptions, type CommonOptions } from './live-options.js';

interface CollectOptions extends CommonOptions {
  output?: string;
}

/** Registers `collect`: reads live accounts and writes their facts as a snapshot file; returns the command. */
export function registerCollectCommand(program: Command, summary: string): Command {
  return addCommonOptions(
    program
      .command('collect')
      .summary(summary)
      .description('Collect the facts the rules evaluate from live accounts and write them as a snapshot, so a scan can be repeated offline (`scan --snapshot FILE`) or shared.'),
  )
    .requiredOption('--output <file>', 'snapshot file to write')
    .addHelpText('after', '\nExample:\n  ecr-guardrails collect --profile audit --region eu-west-3 --output estate.json\n  ecr-guardrails scan --snapshot estate.json')
    .action(async (options: CollectOptions) => {
      if (!options.output) throw new UsageError('--output <file> is required.');
      const runs = ruleRuns(selectRules(options.rules), options.param);
      const resolved = await resolveTargets({ ...options, regions: options.region, excludeRegions: options.excludeRegion ?? [], org: options.org === true, accounts: options.account });
      const progress = createProgress();
      let collected;
      try {
        collected = await collectSnapshot(resolved.targets, runs, { now: new Date(), progress: progress.update, concurrency: options.concurrency });
      } finally {
        progress.done();
      }
      await writeSnapshot(options.output, collected.snapshot);
      const problems = [...resolved.problems, ...collected.problems];
      for (const problem of problems) {
        process.stderr.write(`ecr-guardrails: not collected: ${problem.accountId} ${problem.region}${problem.ruleId ? ` ${problem.ruleId}` : ''}: ${problem.message}\n`);
      }
      process.stderr.write(`Snapshot written to ${options.output}: ${collected.snapshot.scopes.length} account/region scope(s), ${runs.length} rule(s).\n`);
      process.exitCode = problems.length ? 2 : 0;
    });
}
