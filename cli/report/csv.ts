import { remediationCommand, resultSeverity, type ScanReport } from './model.js';
import { resourceArn } from './resource.js';

/** Columns, in order: what a spreadsheet user filters and sorts by first. */
export const CSV_COLUMNS = [
  'status',
  'severity',
  'rule',
  'account',
  'region',
  'resource_type',
  'resource_id',
  'resource_arn',
  'reason',
  'runbook',
  'approval_required',
  'fix_command',
  'security_hub_controls',
  'nist_800_190',
  'evaluated_at',
] as const;

/** RFC 4180: quote every field that holds a comma, quote, CR or LF; double inner quotes. */
function field(value: string): string {
  // A leading =, +, - or @ would be run as a formula by spreadsheets (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** One row per result, with a header row; CRLF line ends as RFC 4180 asks. */
export function renderCsv(report: ScanReport): string {
  const rows = report.results.map((finding) => {
    const rule = report.rules.find((candidate) => candidate.id === finding.ruleId);
    const values: Record<(typeof CSV_COLUMNS)[number], string> = {
      status: finding.complianceType,
      severity: resultSeverity(report, finding),
      rule: finding.ruleId,
      account: finding.accountId,
      region: finding.region,
      resource_type: finding.resourceType,
      resource_id: finding.resourceId,
      resource_arn: resourceArn(finding),
      reason: finding.annotation,
      runbook: finding.remediation?.documentName ?? '',
      approval_required: finding.remediation ? String(finding.remediation.destructive) : '',
      fix_command: remediationCommand(finding) ?? '',
      security_hub_controls: rule?.controls.securityHub.join(' ') ?? '',
      nist_800_190: rule?.controls.nist800190.join(' ') ?? '',
      evaluated_at: report.evaluatedAt,
    };
    return CSV_COLUMNS.map((column) => field(values[column])).join(',');
  });
  return [CSV_COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}
