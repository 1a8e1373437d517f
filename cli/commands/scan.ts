import { Option, type Command } from 'commander';
import { SnapshotError, UsageError } from '../errors.js';
import { ruleRuns, selectRules } from '../options.js';
import { writeOutput } from '../output.js';
import { demoEstatePath, packageVersion } from '../package-root.js';
import { createProgress } from '../progress.js';
import { exitStatus, FAIL_ON_VALUES } from '../report/fail-on.js';
import { FORMAT_NAMES, REPORT_FORMATS, reportFormat } from '../report/formats.js';
import { buildReport, type ScanReport, type ScopeStatus } from '../report/model.js';
import { evaluateSnapshot, type RuleRun, type ScopeProblem } from '../scan.js';
import { readSnapshot, type Snapshot } from '../snapshot.js';
import { addCommonOptions, type CommonOptions } from './live-options.js';

export { exitStatus } from '../report/fail-on.js';

export interface ScanOptions extends CommonOptions {
  demo?: boolean;
  snapshot?: string;
  format: string;
  output?: string;
  color: boolean;
  failOn?: string;
  sendToSecurityHub?: boolean;
}

function rulesWithFacts(snapshot: Snapshot, runs: RuleRun[], explicit: boolean, path: string): RuleRun[] {
  // A file that answers for nothing must not read as a clean estate.
  if (snapshot.scopes.length === 0) throw new SnapshotError(`${path}: the snapshot holds no account/region scope: nothing was collected.`);
  if (explicit) return runs;
  // Without --rules, a snapshot decides which rules it can answer for.
  const chosen = runs.filter((run) => snapshot.scopes.some((scope) => run.rule.id in scope.facts));
  if (chosen.length === 0) throw new SnapshotError(`${path}: the snapshot holds facts for no rule of this version (${runs.map((run) => run.rule.id).join(', ')}).`);
  return chosen;
}

/** Evaluation problems (a resource not readable, a rule without facts) less those a failed collection already reported. */
function newProblems(evaluated: ScopeProblem[], collected: ScopeProblem[]): ScopeProblem[] {
  return evaluated.filter(
    (problem) => !collected.some((known) => known.accountId === problem.accountId && known.region === problem.region && (known.ruleId === undefined || known.ruleId === problem.ruleId)),
  );
}

/** Per account and region, in scan order: scanned, skipped (why) or failed (why). */
function scopeTable(snapshot: Snapshot, problems: ScopeProblem[], skipped: Array<{ accountId: string; region: string; reason: string }>): ScopeStatus[] {
  const table = new Map<string, ScopeStatus>();
  const key = (accountId: string, region: string) => `${accountId}/${region}`;
  for (const { accountId, region } of snapshot.scopes) table.set(key(accountId, region), { accountId, region, status: 'scanned' });
  for (const problem of problems) {
    const reason = `${problem.ruleId ? `${problem.ruleId}: ` : ''}${problem.message}`;
    const existing = table.get(key(problem.accountId, problem.region));
    if (existing?.status === 'failed') existing.reason = `${existing.reason}; ${reason}`;
    else table.set(key(problem.accountId, problem.region), { accountId: problem.accountId, region: problem.region, status: 'failed', reason });
  }
  for (const skip of skipped) table.set(key(skip.accountId, skip.region), { ...skip, status: 'skipped' });
  return [...table.values()];
}

/**
 * Runs a scan: reads the demo, a snapshot or live accounts, evaluates every chosen rule and
 * renders the report in the chosen format. Returns the report (for the exit status) and
 * the rendered text.
 */
export async function runScan(options: ScanOptions): Promise<{ report: ScanReport; rendered: string }> {
  const offline = options.demo || options.snapshot;
  if (options.demo && options.snapshot) throw new UsageError('--demo and --snapshot exclude each other: choose one source.');
  if (offline && (options.org || options.profile || options.region.length || options.account.length)) {
    throw new UsageError(`--profile, --region, --org and --account apply to live scans, not to ${options.demo ? '--demo' : '--snapshot'}.`);
  }
  const format = reportFormat(options.format);
  const runs = ruleRuns(selectRules(options.rules), options.param);
  let snapshot: Snapshot;
  let path = '';
  let source: ScanReport['source'];
  let problems: ScopeProblem[];
  let skipped: Array<{ accountId: string; region: string; reason: string }> = [];
  if (offline) {
    path = options.demo ? demoEstatePath() : (options.snapshot as string);
    snapshot = await readSnapshot(path);
    source = options.demo
      ? { kind: 'demo', description: snapshot.description ?? `demo estate ${path}` }
      : { kind: 'snapshot', description: `snapshot ${path}, collected ${snapshot.collectedAt}` };
    problems = [];
  } else {
    // Live scans load the SDK only now, so offline scans and --help never pay for it.
    const [{ resolveTargets }, { collectSnapshot }] = await Promise.all([import('../targets.js'), import('../scan.js')]);
    const resolved = await resolveTargets({ ...options, regions: options.region, excludeRegions: options.excludeRegion ?? [], org: options.org === true, accounts: options.account });
    const progress = createProgress();
    try {
      const collected = await collectSnapshot(resolved.targets, runs, { now: new Date(), progress: progress.update, concurrency: options.concurrency });
      snapshot = collected.snapshot;
      problems = [...resolved.problems, ...collected.problems];
    } finally {
      progress.done();
    }
    skipped = resolved.skipped;
    source = { kind: 'live', description: `live scan of ${new Set(resolved.targets.map((t) => t.accountId)).size} account(s)` };
  }
  const chosen = offline ? rulesWithFacts(snapshot, runs, options.rules !== undefined, path) : runs;
  const evaluated = await evaluateSnapshot(snapshot, chosen);
  const allProblems = [...problems, ...newProblems(evaluated.problems, problems)];
  const report = buildReport({
    version: packageVersion(),
    source,
    evaluatedAt: snapshot.collectedAt,
    scopes: scopeTable(snapshot, allProblems, skipped),
    runs: chosen,
    findings: evaluated.findings,
    problems: allProblems,
  });
  const toTerminal = !options.output && process.stdout.isTTY === true;
  const rendered = await format.render(report, {
    color: options.color && toTerminal && !process.env.NO_COLOR,
    ...(toTerminal ? { width: process.stdout.columns ?? 120 } : {}),
  });
  return { report, rendered };
}

function formatsHelp(): string {
  const width = Math.max(...FORMAT_NAMES.map((name) => name.length));
  return REPORT_FORMATS.map((format) => `  ${format.name.padEnd(width)}  ${format.description}\n  ${' '.repeat(width)}  e.g. ${format.example}`).join('\n');
}

/** Registers `scan` with its sources, report formats, `--fail-on` and `--send-to-security-hub`; returns the command. */
export function registerScanCommand(program: Command, summary: string): Command {
  return addCommonOptions(
    program
      .command('scan')
      .summary(summary)
      .description(
        'Evaluate the rules against a live account (default), every account of an organisation (--org), a saved snapshot (--snapshot) or the bundled demo estate (--demo), and report each resource with the runbook that fixes it.\n\n' +
          'Exit status: 0 nothing NON_COMPLIANT (or nothing at the --fail-on level), 1 something NON_COMPLIANT at that level, 2 usage or AWS errors, or anything not scanned.',
      )
      .option('--demo', 'scan the bundled demo estate (no AWS account needed)')
      .option('--snapshot <file>', 'scan a snapshot written by `ecr-guardrails collect`'),
  )
    .addOption(new Option('--format <format>', 'report format (see "Report formats" below)').choices(FORMAT_NAMES).default('table'))
    .option('--output <file>', 'write the report to a file instead of stdout')
    .addOption(
      new Option('--fail-on <level>', 'what makes the exit status 1: any NON_COMPLIANT result, one at this severity or higher, or never').choices(FAIL_ON_VALUES).default('non-compliant'),
    )
    .option('--send-to-security-hub', 'also import the findings into Security Hub (BatchImportFindings, batches of 100) in each finding\'s account and region')
    .option('--no-color', 'plain table without colours (also: NO_COLOR=1)')
    .addHelpText(
      'after',
      `\nReport formats:\n${formatsHelp()}\n\nExamples:\n  ecr-guardrails scan --demo\n  ecr-guardrails scan --profile audit --region eu-west-1,eu-west-3\n  ecr-guardrails scan --region all --exclude-region ap-east-1\n  ecr-guardrails scan --org --region eu-west-1 --format sarif --output ecr.sarif\n  ecr-guardrails scan --snapshot estate.json --param MaxImageAgeDays=30\n  ecr-guardrails scan --fail-on high   # CI: fail only on HIGH or CRITICAL findings`,
    )
    .action(async (options: ScanOptions) => {
      const { report, rendered } = await runScan(options);
      if (options.output) {
        await writeOutput(options.output, rendered, 'report');
        process.stderr.write(`Report written to ${options.output}: ${report.summary.NON_COMPLIANT} NON_COMPLIANT of ${report.summary.total}.\n`);
      } else process.stdout.write(rendered);
      for (const problem of report.problems) {
        const what = problem.resourceId ? `not evaluated: ${problem.accountId} ${problem.region} ${problem.ruleId} ${problem.resourceId}` : `not scanned: ${problem.accountId} ${problem.region}${problem.ruleId ? ` ${problem.ruleId}` : ''}`;
        process.stderr.write(`ecr-guardrails: ${what}: ${problem.message}\n`);
      }
      let status = exitStatus(report, options.failOn);
      if (options.sendToSecurityHub) {
        const { sendToSecurityHub } = await import('../security-hub.js');
        const sent = await sendToSecurityHub(report);
        process.stderr.write(`${sent.summary}\n`);
        for (const failure of sent.failures) process.stderr.write(`ecr-guardrails: not imported: ${failure}\n`);
        if (sent.failures.length) status = 2;
      }
      process.exitCode = status;
    });
}
