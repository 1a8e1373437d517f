import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import { ruleRuns, selectRules } from '../options.js';
import { demoEstatePath, packageVersion } from '../package-root.js';
import { createProgress } from '../progress.js';
import { renderJson } from '../report/json.js';
import { buildReport, type ScanReport } from '../report/model.js';
import { renderSarif } from '../report/sarif.js';
import { renderTable } from '../report/table.js';
import { collectSnapshot, evaluateSnapshot, type RuleRun, type ScopeProblem } from '../scan.js';
import { readSnapshot, type Snapshot } from '../snapshot.js';
import { resolveTargets } from '../targets.js';
import { addCommonOptions, type CommonOptions } from './live-options.js';

interface ScanOptions extends CommonOptions {
  demo?: boolean;
  snapshot?: string;
  format: 'table' | 'json' | 'sarif';
  output?: string;
  color: boolean;
}

/** Exit status: 0 nothing NON_COMPLIANT, 1 findings, 2 usage or AWS errors. */
export function exitStatus(report: ScanReport): number {
  if (report.problems.length) return 2;
  return report.summary.NON_COMPLIANT > 0 ? 1 : 0;
}

function rulesWithFacts(snapshot: Snapshot, runs: RuleRun[], explicit: boolean): RuleRun[] {
  if (explicit) return runs;
  // Without --rules, a snapshot decides which rules it can answer for.
  return runs.filter((run) => snapshot.scopes.some((scope) => run.rule.id in scope.facts));
}

export async function runScan(options: ScanOptions): Promise<{ report: ScanReport; rendered: string }> {
  const offline = options.demo || options.snapshot;
  if (options.demo && options.snapshot) throw new UsageError('--demo and --snapshot exclude each other: choose one source.');
  if (offline && (options.org || options.profile || options.region.length || options.account.length)) {
    throw new UsageError(`--profile, --region, --org and --account apply to live scans, not to ${options.demo ? '--demo' : '--snapshot'}.`);
  }
  const runs = ruleRuns(selectRules(options.rules), options.param);
  let snapshot: Snapshot;
  let source: ScanReport['source'];
  let problems: ScopeProblem[];
  if (offline) {
    const path = options.demo ? demoEstatePath() : (options.snapshot as string);
    snapshot = await readSnapshot(path);
    source = options.demo
      ? { kind: 'demo', description: snapshot.description ?? `demo estate ${path}` }
      : { kind: 'snapshot', description: `snapshot ${path}, collected ${snapshot.collectedAt}` };
    problems = [];
  } else {
    const resolved = await resolveTargets({ ...options, regions: options.region, org: options.org === true, accounts: options.account });
    const progress = createProgress();
    try {
      const collected = await collectSnapshot(resolved.targets, runs, { now: new Date(), progress: progress.update, concurrency: options.concurrency });
      snapshot = collected.snapshot;
      problems = [...resolved.problems, ...collected.problems];
    } finally {
      progress.done();
    }
    source = { kind: 'live', description: `live scan of ${new Set(resolved.targets.map((t) => t.accountId)).size} account(s)` };
  }
  const chosen = rulesWithFacts(snapshot, runs, options.rules !== undefined);
  const evaluated = evaluateSnapshot(snapshot, chosen);
  const report = buildReport({
    version: packageVersion(),
    source,
    evaluatedAt: snapshot.collectedAt,
    scopes: snapshot.scopes.map(({ accountId, region }) => ({ accountId, region })),
    runs: chosen,
    findings: evaluated.findings,
    problems: [...problems, ...(offline ? evaluated.problems : [])],
  });
  const toTerminal = !options.output && process.stdout.isTTY === true;
  const rendered =
    options.format === 'json'
      ? renderJson(report)
      : options.format === 'sarif'
        ? renderSarif(report)
        : renderTable(report, {
            color: options.color && toTerminal && !process.env.NO_COLOR,
            ...(toTerminal ? { width: process.stdout.columns ?? 120 } : {}),
          });
  return { report, rendered };
}

export function registerScanCommand(program: Command): void {
  addCommonOptions(
    program
      .command('scan')
      .summary('evaluate the rules and print a report')
      .description(
        'Evaluate the rules against a live account (default), every account of an organisation (--org), a saved snapshot (--snapshot) or the bundled demo estate (--demo), and report each resource with the runbook that fixes it.\n\n' +
          'Exit status: 0 nothing NON_COMPLIANT, 1 something NON_COMPLIANT, 2 usage or AWS errors.',
      )
      .option('--demo', 'scan the bundled demo estate (no AWS account needed)')
      .option('--snapshot <file>', 'scan a snapshot written by `ecr-guardrails collect`'),
  )
    .addOption(new Option('--format <format>', 'report format').choices(['table', 'json', 'sarif']).default('table'))
    .option('--output <file>', 'write the report to a file instead of stdout')
    .option('--no-color', 'plain table without colours (also: NO_COLOR=1)')
    .addHelpText(
      'after',
      '\nExamples:\n  ecr-guardrails scan --demo\n  ecr-guardrails scan --profile audit --region eu-west-1,eu-west-3\n  ecr-guardrails scan --org --region eu-west-1 --format sarif --output ecr.sarif\n  ecr-guardrails scan --snapshot estate.json --param MaxImageAgeDays=30',
    )
    .action(async (options: ScanOptions) => {
      const { report, rendered } = await runScan(options);
      if (options.output) {
        await writeFile(options.output, rendered, 'utf8');
        process.stderr.write(`Report written to ${options.output}: ${report.summary.NON_COMPLIANT} NON_COMPLIANT of ${report.summary.total}.\n`);
      } else process.stdout.write(rendered);
      for (const problem of report.problems) {
        process.stderr.write(`ecr-guardrails: not scanned: ${problem.accountId} ${problem.region}${problem.ruleId ? ` ${problem.ruleId}` : ''}: ${problem.message}\n`);
      }
      process.exitCode = exitStatus(report);
    });
}
