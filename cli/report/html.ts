import type { ComplianceType } from '../../rules/kernel/types.js';
import { remediationCommand, resultSeverity, type ScanReport } from './model.js';
import { resourceArn } from './resource.js';

/**
 * One self-contained HTML file: no network, no external script or style. Summary counts per
 * rule, account and region; a findings table that sorts by any column (click its header) and
 * filters by text, status and rule. The filter state lives in the URL fragment
 * (`#status=NON_COMPLIANT&q=prod`), so a filtered view can be bookmarked or shared.
 */
const STATUSES: ComplianceType[] = ['NON_COMPLIANT', 'COMPLIANT', 'NOT_APPLICABLE'];

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

function countBy(report: ScanReport, key: (f: ScanReport['results'][number]) => string): Array<[string, Record<ComplianceType, number>]> {
  const counts = new Map<string, Record<ComplianceType, number>>();
  for (const finding of report.results) {
    const entry = counts.get(key(finding)) ?? { NON_COMPLIANT: 0, COMPLIANT: 0, NOT_APPLICABLE: 0 };
    entry[finding.complianceType]++;
    counts.set(key(finding), entry);
  }
  return [...counts.entries()].sort(([a], [b]) => a.localeCompare(b));
}

function summaryTable(title: string, rows: Array<[string, Record<ComplianceType, number>]>): string {
  const body = rows
    .map(([name, c]) => `<tr><th scope="row">${escapeHtml(name)}</th>${STATUSES.map((s) => `<td class="num ${s}">${c[s]}</td>`).join('')}</tr>`)
    .join('');
  return `<table class="summary"><caption>${escapeHtml(title)}</caption><thead><tr><th></th>${STATUSES.map((s) => `<th class="${s}">${s}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table>`;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#1d2330;background:#fff}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}.meta{color:#5b6475;margin:0 0 16px}
.cards{display:flex;gap:12px;flex-wrap:wrap}.card{border:1px solid #d8dce5;border-radius:8px;padding:10px 16px;min-width:150px}
.card b{display:block;font-size:26px}.card.NON_COMPLIANT b{color:#b3261e}.card.COMPLIANT b{color:#1e7b34}.card.NOT_APPLICABLE b{color:#6b7280}
.summaries{display:flex;gap:24px;flex-wrap:wrap;align-items:flex-start}
table{border-collapse:collapse}caption{text-align:left;font-weight:600;padding:4px 0}
th,td{border-bottom:1px solid #e4e7ee;padding:6px 8px;text-align:left;vertical-align:top}td.num{text-align:right}
th.NON_COMPLIANT,td.NON_COMPLIANT{color:#b3261e}
#findings{width:100%}#findings thead th{cursor:pointer;user-select:none;background:#f4f6fa;position:sticky;top:0}
#findings thead th[aria-sort=ascending]::after{content:" \\25B2"}#findings thead th[aria-sort=descending]::after{content:" \\25BC"}
.status{font-weight:600;white-space:nowrap}.nowrap{white-space:nowrap}details summary{cursor:pointer;color:#3554b8}details code{display:block;margin-top:4px}.status.NON_COMPLIANT{color:#b3261e}.status.COMPLIANT{color:#1e7b34}.status.NOT_APPLICABLE{color:#6b7280}
code{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;background:#f4f6fa;padding:2px 4px;border-radius:4px;word-break:break-all}
.filters{display:flex;gap:8px;margin:8px 0;flex-wrap:wrap}.filters input{min-width:280px}
input,select{font:inherit;padding:4px 6px}.problems{color:#8a4b00}#shown{color:#5b6475}
`;

// Runs in the browser: sorting by column and filtering by text, status and rule.
const SCRIPT = `
(() => {
  const table = document.getElementById('findings');
  const tbody = table.tBodies[0];
  const rows = Array.from(tbody.rows);
  const q = document.getElementById('q'), status = document.getElementById('status'), rule = document.getElementById('rule');
  const shown = document.getElementById('shown');
  function apply() {
    const text = q.value.trim().toLowerCase();
    let count = 0;
    for (const row of rows) {
      const ok = (!status.value || row.dataset.status === status.value) && (!rule.value || row.dataset.rule === rule.value) && (!text || row.textContent.toLowerCase().includes(text));
      row.hidden = !ok;
      if (ok) count++;
    }
    shown.textContent = count + ' of ' + rows.length + ' results shown';
    const params = new URLSearchParams();
    if (q.value) params.set('q', q.value);
    if (status.value) params.set('status', status.value);
    if (rule.value) params.set('rule', rule.value);
    history.replaceState(null, '', params.toString() ? '#' + params.toString() : location.pathname + location.search);
  }
  const initial = new URLSearchParams(location.hash.slice(1));
  q.value = initial.get('q') || '';
  status.value = initial.get('status') || '';
  rule.value = initial.get('rule') || '';
  for (const el of [q, status, rule]) el.addEventListener('input', apply);
  Array.from(table.tHead.rows[0].cells).forEach((th, index) => {
    th.addEventListener('click', () => {
      const ascending = th.getAttribute('aria-sort') !== 'ascending';
      for (const other of table.tHead.rows[0].cells) other.removeAttribute('aria-sort');
      th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      const key = (row) => row.cells[index].dataset.sort || row.cells[index].textContent;
      rows.sort((a, b) => (ascending ? 1 : -1) * key(a).localeCompare(key(b), undefined, { numeric: true }));
      for (const row of rows) tbody.appendChild(row);
    });
  });
  apply();
})();
`;

const STATUS_ORDER: Record<ComplianceType, string> = { NON_COMPLIANT: '0', COMPLIANT: '1', NOT_APPLICABLE: '2' };
const SEVERITY_ORDER: Record<string, string> = { CRITICAL: '0', HIGH: '1', MEDIUM: '2', LOW: '3', INFORMATIONAL: '4' };

/** The report as one self-contained HTML page (see above). */
export function renderHtml(report: ScanReport): string {
  const { summary } = report;
  const rows = report.results
    .map((finding) => {
      const rule = report.rules.find((candidate) => candidate.id === finding.ruleId);
      const severity = resultSeverity(report, finding);
      const command = remediationCommand(finding);
      const controls = rule ? [...rule.controls.securityHub.map((c) => `Security Hub ${c}`), ...rule.controls.nist800190.map((c) => `NIST 800-190 ${c}`)] : [];
      const fix = finding.remediation
        ? `${escapeHtml(finding.remediation.runbook)}${finding.remediation.destructive ? ' <em>(approval-gated)</em>' : ''}<details><summary>command</summary><code>${escapeHtml(command ?? '')}</code></details>`
        : '';
      return (
        `<tr data-status="${finding.complianceType}" data-rule="${escapeHtml(finding.ruleId)}">` +
        `<td class="status ${finding.complianceType}" data-sort="${STATUS_ORDER[finding.complianceType]}">${finding.complianceType}</td>` +
        `<td data-sort="${SEVERITY_ORDER[severity]}">${severity}</td>` +
        `<td class="nowrap">${escapeHtml(finding.ruleId)}</td><td>${finding.accountId}</td><td class="nowrap">${escapeHtml(finding.region)}</td>` +
        `<td title="${escapeHtml(resourceArn(finding))}">${escapeHtml(finding.resourceId)}</td>` +
        `<td>${escapeHtml(finding.annotation)}</td><td>${escapeHtml(controls.join(', '))}</td><td>${fix}</td></tr>`
      );
    })
    .join('\n');
  const problems = report.problems.length
    ? `<h2>Not scanned</h2><ul class="problems">${report.problems.map((p) => `<li>${p.accountId} ${escapeHtml(p.region)}${p.ruleId ? ` ${escapeHtml(p.ruleId)}` : ''}: ${escapeHtml(p.message)}</li>`).join('')}</ul>`
    : '';
  const ruleOptions = report.rules.map((rule) => `<option value="${escapeHtml(rule.id)}">${escapeHtml(rule.id)}</option>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>ecr-guardrails report: ${summary.NON_COMPLIANT} NON_COMPLIANT</title>
<style>${STYLE}</style>
</head>
<body>
<h1>ecr-guardrails report</h1>
<p class="meta">${escapeHtml(report.source.description)} · evaluated as of ${escapeHtml(report.evaluatedAt)} · ecr-guardrails ${escapeHtml(report.tool.version)}</p>
<div class="cards">${STATUSES.map((s) => `<div class="card ${s}"><b>${summary[s]}</b>${s}</div>`).join('')}<div class="card"><b>${summary.total}</b>evaluated</div></div>
<h2>Summary</h2>
<div class="summaries">${summaryTable('By rule', countBy(report, (f) => f.ruleId))}${summaryTable('By account', countBy(report, (f) => f.accountId))}${summaryTable('By region', countBy(report, (f) => f.region))}</div>
${problems}
<h2>Results</h2>
<div class="filters">
<input id="q" type="search" placeholder="Filter: resource, reason, account..." aria-label="Filter results">
<select id="status" aria-label="Status"><option value="">All statuses</option>${STATUSES.map((s) => `<option value="${s}">${s}</option>`).join('')}</select>
<select id="rule" aria-label="Rule"><option value="">All rules</option>${ruleOptions}</select>
<span id="shown"></span>
</div>
<table id="findings">
<thead><tr><th>Status</th><th>Severity</th><th>Rule</th><th>Account</th><th>Region</th><th>Resource</th><th>Reason</th><th>Controls</th><th>Fix</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
