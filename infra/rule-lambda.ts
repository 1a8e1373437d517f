/**
 * Each rule Lambda's timeout, memory and reserved concurrency (issue 17 item 4).
 *
 * Precedence, per setting: `rules.<id>.lambda.<setting>`, then the app-wide `lambda.<setting>`
 * when the file sets it, then the rule's default below. The defaults come from each rule's
 * benchmark (README "Benchmarks", docs/rules/*.md) with headroom:
 *
 * | rule | timeout | memory | why |
 * |---|---:|---:|---|
 * | ecr-stale-images | 900 s | 1024 MB | designed for the 15-minute budget: 5,000 repositories / 1M images take about 9.5 min against ECR's throttle; peak RSS 178 MB, but the summaries are CPU-bound and Lambda's CPU share grows with memory |
 * | ecr-image-scanning | 900 s | 512 MB | about 8.9 min modelled at 5,000 repositories / 1M images; peak RSS 153 MB |
 * | ecr-vpc-endpoints | 900 s | 1024 MB | 20,506 calls at 10,000 VPCs (about 21 s at 10 ms a call, minutes at real latency); peak RSS 397-447 MB |
 * | ecr-tag-immutability | 120 s | 256 MB | one DescribeRepositories page per 1,000 repositories, then tags |
 * | ecr-repository-access | 900 s | 1024 MB | the listing and tags, one GetRepositoryPolicy per repository, then an IAM simulation per policy: a few ms for usual policies, a few tens of ms at ECR's 10,240-character limit on a loaded 2-core machine (bench/repository-access.bench.ts); CPU-bound, so more memory buys CPU share. Not measured at 5,000 repositories yet |
 * | any other rule | 300 s | 512 MB | the app's earlier single setting |
 *
 * Reserved concurrency defaults to `lambda.reservedConcurrency` (10) for every rule. The
 * function receives its timeout in `RULE_TIMEOUT_SECONDS`, from which the kernel sizes the
 * reporting reserve of its time budget (rules/kernel/time-budget.ts).
 */
import type { GuardrailsConfig } from './config.js';
import { ruleSettings } from './config.js';

export interface RuleLambdaSettings {
  timeoutSeconds: number;
  memorySizeMb: number;
  reservedConcurrency: number;
}

/** Per-rule defaults (timeout and memory); see the table above. */
export const RULE_LAMBDA_DEFAULTS: Readonly<Record<string, Pick<RuleLambdaSettings, 'timeoutSeconds' | 'memorySizeMb'>>> = {
  'ecr-stale-images': { timeoutSeconds: 900, memorySizeMb: 1024 },
  'ecr-image-scanning': { timeoutSeconds: 900, memorySizeMb: 512 },
  'ecr-vpc-endpoints': { timeoutSeconds: 900, memorySizeMb: 1024 },
  'ecr-tag-immutability': { timeoutSeconds: 120, memorySizeMb: 256 },
  'ecr-repository-access': { timeoutSeconds: 900, memorySizeMb: 1024 },
};

/** Defaults of a rule not in the table. */
export const GENERIC_RULE_LAMBDA = { timeoutSeconds: 300, memorySizeMb: 512 } as const;

/** The resolved Lambda settings of one rule. */
export function ruleLambdaSettings(config: GuardrailsConfig, ruleId: string): RuleLambdaSettings {
  const own = ruleSettings(config, ruleId).lambda ?? {};
  const defaults = RULE_LAMBDA_DEFAULTS[ruleId] ?? GENERIC_RULE_LAMBDA;
  return {
    timeoutSeconds: own.timeoutSeconds ?? config.lambda.timeoutSeconds ?? defaults.timeoutSeconds,
    memorySizeMb: own.memorySizeMb ?? config.lambda.memorySizeMb ?? defaults.memorySizeMb,
    reservedConcurrency: own.reservedConcurrency ?? config.lambda.reservedConcurrency,
  };
}
