import type { ScanReport } from './model.js';

/** What a report format needs besides the report: terminal facts for the table. */
export interface RenderContext {
  color: boolean;
  width?: number;
}

export interface ReportFormat {
  name: string;
  /** One line for `--help`. */
  description: string;
  /** An example command line for `--help`. */
  example: string;
  /** Loaded on use, so a scan loads only the renderer it writes. */
  render(report: ScanReport, context: RenderContext): Promise<string>;
}

/** Every report format `scan --format` offers; docs/reports.md shows an example of each. */
export const REPORT_FORMATS: readonly ReportFormat[] = [
  {
    name: 'table',
    description: 'readable text, one section per rule (default)',
    example: 'ecr-guardrails scan --demo',
    render: async (report, context) => (await import('./table.js')).renderTable(report, context),
  },
  {
    name: 'json',
    description: 'every result, with a ready-to-run fix command',
    example: 'ecr-guardrails scan --demo --format json --output report.json',
    render: async (report) => (await import('./json.js')).renderJson(report),
  },
  {
    name: 'sarif',
    description: 'SARIF 2.1.0 for code-scanning dashboards',
    example: 'ecr-guardrails scan --format sarif --output ecr.sarif',
    render: async (report) => (await import('./sarif.js')).renderSarif(report),
  },
  {
    name: 'asff',
    description: 'AWS Security Finding Format, for securityhub:BatchImportFindings',
    example: 'ecr-guardrails scan --format asff --output findings.json --send-to-security-hub',
    render: async (report) => (await import('./asff.js')).renderAsff(report),
  },
  {
    name: 'ocsf',
    description: 'OCSF 1.1.0 Compliance Finding events (JSON array)',
    example: 'ecr-guardrails scan --org --format ocsf --output ecr.ocsf.json',
    render: async (report) => (await import('./ocsf.js')).renderOcsf(report),
  },
  {
    name: 'csv',
    description: 'one row per result, for spreadsheets',
    example: 'ecr-guardrails scan --demo --format csv --output ecr.csv',
    render: async (report) => (await import('./csv.js')).renderCsv(report),
  },
  {
    name: 'html',
    description: 'one self-contained page: summary, sortable and filterable results',
    example: 'ecr-guardrails scan --demo --format html --output ecr.html',
    render: async (report) => (await import('./html.js')).renderHtml(report),
  },
];

export const FORMAT_NAMES = REPORT_FORMATS.map((format) => format.name);

/** The report format of that name; the CLI offers only registered names, so an unknown one is a programming error. */
export function reportFormat(name: string): ReportFormat {
  const format = REPORT_FORMATS.find((candidate) => candidate.name === name);
  if (!format) throw new Error(`unknown report format ${name}`);
  return format;
}
