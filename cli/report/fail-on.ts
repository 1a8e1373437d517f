import { SEVERITIES, severityRank, type Severity } from '../../rules/kernel/severity.js';
import { resultSeverity, type ScanReport } from './model.js';

/**
 * `--fail-on`: what makes `scan` exit 1, for pipelines.
 * - `non-compliant` (default): any NON_COMPLIANT result;
 * - a severity (`critical`, `high`, `medium`, `low`, `informational`): a NON_COMPLIANT
 *   result of that severity or higher;
 * - `never`: findings never fail the run (errors still exit 2).
 * Scopes or resources that could not be scanned always exit 2: a scan that did not see
 * everything must not pass a pipeline.
 */
export const FAIL_ON_VALUES: readonly string[] = ['non-compliant', ...[...SEVERITIES].reverse().map((s) => s.toLowerCase()), 'never'];
export type FailOn = string;

export const EXIT = { CLEAN: 0, FINDINGS: 1, ERROR: 2 } as const;

/** The scan's exit status for `--fail-on` (see above): 0, 1 or 2. */
export function exitStatus(report: ScanReport, failOn: FailOn = 'non-compliant'): number {
  if (report.problems.length) return EXIT.ERROR;
  if (failOn === 'never') return EXIT.CLEAN;
  const failing = report.results.filter((finding) => finding.complianceType === 'NON_COMPLIANT');
  if (failOn === 'non-compliant') return failing.length ? EXIT.FINDINGS : EXIT.CLEAN;
  const threshold = severityRank(failOn.toUpperCase() as Severity);
  return failing.some((finding) => severityRank(resultSeverity(report, finding)) >= threshold) ? EXIT.FINDINGS : EXIT.CLEAN;
}
