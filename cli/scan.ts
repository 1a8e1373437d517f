import pMap from 'p-map';
import { createCollectContext, createMemo, type Scope } from '../rules/kernel/context.js';
import { silentLogger, type Logger } from '../rules/kernel/logger.js';
import type { ComplianceType, Rule } from '../rules/kernel/types.js';
import { AUTOMATION_ROLE_NAME, DOCUMENT_PREFIX } from '../rules/names.js';
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type Snapshot, type SnapshotScope } from './snapshot.js';


export interface Remediation {
  runbook: string;
  documentName: string;
  parameters: Record<string, string>;
  destructive: boolean;
  summary: string;
}

/** One evaluation, placed in its account and region, with the runbook that fixes it. */
export interface Finding {
  accountId: string;
  region: string;
  /** AWS partition of the account (`aws`, `aws-cn`, `aws-us-gov`), for ARNs in reports. */
  partition: string;
  ruleId: string;
  resourceType: string;
  resourceId: string;
  complianceType: ComplianceType;
  annotation: string;
  remediation?: Remediation;
}

/** A scope (or a rule in a scope) that could not be scanned; the report lists it. */
export interface ScopeProblem {
  accountId: string;
  region: string;
  ruleId?: string;
  /** Set when one resource could not be read (not evaluated); the others were. */
  resourceId?: string;
  message: string;
}

export interface RuleRun {
  rule: Rule;
  params: unknown;
}

function remediationFor(run: RuleRun, scope: { accountId: string; partition: string }, resourceId: string, runbookName?: string | null): Remediation {
  const { rule, params } = run;
  const ref = rule.remediations.find((candidate) => candidate.runbook === runbookName) ?? rule.remediations[0];
  return {
    runbook: ref.runbook,
    documentName: `${DOCUMENT_PREFIX}${ref.runbook}`,
    parameters: {
      [ref.resourceIdParameter]: resourceId,
      ...(ref.parameters ? ref.parameters(params) : {}),
      AutomationAssumeRole: `arn:${scope.partition}:iam::${scope.accountId}:role/${AUTOMATION_ROLE_NAME}`,
    },
    destructive: ref.destructive === true,
    summary: ref.summary,
  };
}

/**
 * Evaluates a snapshot as of its collection time. Pure: the same snapshot and parameters
 * always give the same findings. Rules without facts in a scope are reported as problems.
 */
export async function evaluateSnapshot(snapshot: Snapshot, runs: RuleRun[]): Promise<{ findings: Finding[]; problems: ScopeProblem[] }> {
  const now = new Date(snapshot.collectedAt);
  const findings: Finding[] = [];
  const problems: ScopeProblem[] = [];
  for (const scope of snapshot.scopes) {
    for (const run of runs) {
      const facts = scope.facts[run.rule.id];
      if (facts === undefined) {
        problems.push({ accountId: scope.accountId, region: scope.region, ruleId: run.rule.id, message: 'no facts collected for this rule' });
        continue;
      }
      for (const evaluation of await run.rule.evaluate(facts, run.params, now)) {
        if (evaluation.notReadable) {
          // Not evaluated: listed as a problem (exit 2), with no runbook to offer.
          problems.push({ accountId: scope.accountId, region: scope.region, ruleId: run.rule.id, resourceId: evaluation.resourceId, message: evaluation.annotation });
          continue;
        }
        findings.push({
          accountId: scope.accountId,
          region: scope.region,
          partition: scope.partition,
          ruleId: run.rule.id,
          resourceType: evaluation.resourceType,
          resourceId: evaluation.resourceId,
          complianceType: evaluation.complianceType,
          annotation: evaluation.annotation,
          ...(evaluation.complianceType === 'NON_COMPLIANT' && evaluation.runbook !== null ? { remediation: remediationFor(run, scope, evaluation.resourceId, evaluation.runbook) } : {}),
        });
      }
    }
  }
  return { findings, problems };
}

export interface CollectOptions {
  now: Date;
  logger?: Logger;
  progress?: (message: string) => void;
  /** Account/region scopes collected at the same time (each has its own clients and quotas). */
  concurrency?: number;
}

/**
 * Runs each rule's collector in each target and gathers the facts into a snapshot, several
 * targets at a time (results keep the targets' order). A target whose collection fails is
 * recorded as a problem and the others go on (one unreachable account must not hide the
 * rest of an organisation).
 */
export async function collectSnapshot(targets: Scope[], runs: RuleRun[], options: CollectOptions): Promise<{ snapshot: Snapshot; problems: ScopeProblem[] }> {
  const problems: ScopeProblem[] = [];
  const progress = options.progress ?? (() => undefined);
  let done = 0;
  const scopes = await pMap(
    targets,
    async (target): Promise<SnapshotScope> => {
      const memo = createMemo();
      const facts: Record<string, unknown> = {};
      const label = (run: RuleRun) => `[${done}/${targets.length} scopes done] ${target.accountId} ${target.region} ${run.rule.id}`;
      const contexts = runs.map((run) =>
        createCollectContext(target, run.params, {
          now: options.now,
          logger: options.logger ?? silentLogger,
          memo,
          progress: (message) => progress(`${label(run)}: ${message}`),
        }),
      );
      // Rules register for listings other rules make (one DescribeImages listing per repository).
      for (const [i, run] of runs.entries()) await run.rule.collector.prepare?.(contexts[i]!);
      for (const [i, run] of runs.entries()) {
        progress(label(run));
        const ctx = contexts[i]!;
        try {
          facts[run.rule.id] = await run.rule.collector.collectAll(ctx);
        } catch (error) {
          problems.push({ accountId: target.accountId, region: target.region, ruleId: run.rule.id, message: (error as Error).message });
        }
      }
      done++;
      return { accountId: target.accountId, region: target.region, partition: target.partition, facts };
    },
    { concurrency: options.concurrency ?? 4 },
  );
  return {
    snapshot: { format: SNAPSHOT_FORMAT, version: SNAPSHOT_VERSION, collectedAt: options.now.toISOString(), scopes },
    problems,
  };
}
