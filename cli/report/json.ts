import { remediationCommand, type ScanReport } from './model.js';

/** The report as JSON, each NON_COMPLIANT result with the command that runs its runbook. */
export function renderJson(report: ScanReport): string {
  const results = report.results.map((finding) => {
    const command = remediationCommand(finding);
    return command && finding.remediation ? { ...finding, remediation: { ...finding.remediation, command } } : finding;
  });
  return `${JSON.stringify({ ...report, results }, null, 2)}\n`;
}
