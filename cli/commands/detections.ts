/**
 * `ecr-guardrails detections`: lists the detections (pattern, severity, related rule);
 * `--event FILE` runs an EventBridge event (or an array of them) through them offline, says
 * which fire and prints each alert. Exit status 1 when an alert fires, like scan's findings.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { DETECTIONS } from '../../detections/index.js';
import { DetectionEventError } from '../../detections/kernel/cloudtrail.js';
import { asEventBridgeEvent, detect, renderAlert } from '../../detections/kernel/detect.js';
import type { Detection, DetectionContext } from '../../detections/kernel/types.js';
import { AUTOMATION_ROLE_NAME } from '../../rules/names.js';

const ALERTS_FIRED = 1;

/** What `ecr-guardrails detections` prints: each detection with its severity, related rule, runbook and EventBridge pattern. */
export function describeDetections(detections: readonly Detection[] = DETECTIONS): string {
  const out: string[] = [];
  for (const detection of detections) {
    out.push(`${detection.id}: ${detection.title}`);
    out.push(`  Severity: up to ${detection.severity}; related rule: ${detection.relatedRule ?? 'none'}${detection.runbook ? `; runbook EcrGuardrails-${detection.runbook}` : ''}`);
    out.push(`  Pattern: ${JSON.stringify(detection.pattern)}${detection.readOnlyEvents ? ' (read-only events: rule state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS)' : ''}`);
    if (detection.callersFromOtherAccounts) out.push('  Member rule: forwards only calls whose userIdentity.accountId is not the member\'s own account (or is absent)');
    out.push('');
  }
  return out.join('\n');
}

/** Reads `--event FILE`: one EventBridge event or an array of them; an unreadable or non-JSON file is a DetectionEventError naming it. */
export function readEvents(path: string): unknown[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new DetectionEventError(`--event ${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)}); expected a JSON file holding an EventBridge event.`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new DetectionEventError(`--event ${path}: not valid JSON (${(error as Error).message}); expected an EventBridge event or an array of them.`, { cause: error });
  }
  return Array.isArray(parsed) ? parsed : [parsed];
}

/** The report for `--event`: per event, the detections whose pattern matched and their alerts. */
export function explainEvents(events: unknown[], path: string, context: DetectionContext, detections: readonly Detection[] = DETECTIONS): { text: string; alerts: number } {
  const out: string[] = [];
  let alerts = 0;
  events.forEach((value, index) => {
    const origin = events.length > 1 ? `${path} [${index}]` : path;
    const event = asEventBridgeEvent(value, origin);
    const name = typeof event.detail.eventName === 'string' ? event.detail.eventName : event['detail-type'];
    const results = detect(event, context, detections);
    out.push(`${origin}: ${name} in ${event.account} ${event.region}: ${results.length === 0 ? 'no detection pattern matches' : `${results.length} pattern(s) match`}`);
    for (const { detection, alert } of results) {
      if (!alert) {
        out.push(`  ${detection.id}: pattern matches, no alert (the change is not a risk)`);
        continue;
      }
      alerts += 1;
      out.push(`  ${detection.id} fires:`, ...renderAlert(alert).split('\n').map((line) => `    ${line}`));
    }
  });
  return { text: `${out.join('\n')}\n`, alerts };
}

function parseAccounts(value: string): ReadonlySet<string> {
  const ids = value.split(',').map((id) => id.trim()).filter(Boolean);
  const bad = ids.filter((id) => !/^\d{12}$/.test(id));
  if (bad.length > 0 || ids.length === 0) throw new DetectionEventError(`--org-accounts: expected comma-separated 12-digit account ids, got ${JSON.stringify(value)}.`);
  return new Set(ids);
}

/** Registers `detections` (list) and `detections --event FILE` (classify offline); returns the command. */
export function registerDetectionsCommand(program: Command, summary: string): Command {
  return program
    .command('detections')
    .summary(summary)
    .description(`${summary}. With --event, runs an EventBridge event through every detection offline and prints the alerts (exit status 1 when one fires).`)
    .option('--event <file>', 'EventBridge event JSON (or an array of events) to classify offline')
    .option('--org-accounts <ids>', 'comma-separated account ids of the organisation (without it, "outside the organisation" is reported as unverified)')
    .action((options: { event?: string; orgAccounts?: string }) => {
      if (!options.event) {
        process.stdout.write(describeDetections());
        return;
      }
      const context: DetectionContext = { automationRoleName: AUTOMATION_ROLE_NAME };
      if (options.orgAccounts) context.organizationAccounts = parseAccounts(options.orgAccounts);
      const { text, alerts } = explainEvents(readEvents(options.event), options.event, context);
      process.stdout.write(text);
      if (alerts > 0) process.exitCode = ALERTS_FIRED;
    });
}
