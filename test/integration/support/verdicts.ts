/** Verdicts of a JSON scan report, per seeded rule and scope, to compare with the ground truth. */
import type { ScanReport } from '../../../cli/report/model.js';
import type { ComplianceType } from '../../../rules/kernel/types.js';
import type { SeededRule } from '../estate.js';
import type { GroundTruth } from '../seed/types.js';
import { runCliOnEmulator } from './emulator.js';

export type Verdicts = Record<string, ComplianceType>;

export function expectedVerdicts(truth: GroundTruth): Verdicts {
  return Object.fromEntries(Object.entries(truth).map(([id, expectation]) => [id, expectation.complianceType]));
}

/** Every result the report holds for this rule in the seeded rule's account and region. */
export function reportVerdicts(report: ScanReport, seeded: SeededRule): Verdicts {
  return Object.fromEntries(
    report.results
      .filter((r) => r.ruleId === seeded.ruleId && r.accountId === seeded.scope.accountId && r.region === seeded.scope.region)
      .map((r) => [r.resourceId, r.complianceType]),
  );
}

export interface ScanRun {
  code: number;
  report: ScanReport;
  stderr: string;
}

/** `scan --format json` with the built binary; throws with stderr when the output is not a report. */
export async function scanJson(args: string[], env: Record<string, string> = {}): Promise<ScanRun> {
  const result = await runCliOnEmulator(['scan', '--format', 'json', ...args], env);
  let report: ScanReport;
  try {
    report = JSON.parse(result.stdout) as ScanReport;
  } catch {
    throw new Error(`scan ${args.join(' ')} exited ${result.code} without a JSON report: ${result.stderr}`);
  }
  return { code: result.code, report, stderr: result.stderr };
}
