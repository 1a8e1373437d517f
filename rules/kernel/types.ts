/**
 * The contract between the rule kernel and each rule.
 *
 * A rule is metadata (defined once in its `rule.ts`), a collector (the only I/O) and a pure
 * evaluator. The kernel turns that into a Config Lambda handler; the CLI turns it into a scan.
 * Data flows one way: collect (SDK) -> facts -> evaluate (pure) -> evaluations -> sink.
 */
import type { Severity } from './severity.js';
import type { JSONSchemaType } from 'ajv';
import type { ClientFactory } from './clients.js';
import type { ConfigurationItem } from './config-item.js';
import type { Logger } from './logger.js';
import type { Unreadable } from './not-readable.js';

/**
 * A rule's parameter schema: a JSON schema object whose properties carry a description and a
 * default. `defineRule` checks it against the rule's parameter type with ajv's JSONSchemaType.
 */
export interface ParametersSchema {
  type: 'object';
  properties: Record<string, { type: string; description?: string; default?: unknown; [keyword: string]: unknown }>;
  required: readonly string[];
  additionalProperties: false;
}

export type ComplianceType = 'COMPLIANT' | 'NON_COMPLIANT' | 'NOT_APPLICABLE';

/** One compliance result, before the kernel adds Config's bookkeeping (timestamps, limits). */
export interface Evaluation {
  /** Config resource type, e.g. `AWS::ECR::Repository`. */
  resourceType: string;
  /** Config resource id: the repository name for ECR, the VPC id for VPCs. */
  resourceId: string;
  complianceType: ComplianceType;
  /**
   * What is wrong (or why the resource is not applicable), in words a person can act on.
   * Evaluators write the whole text, most important first; the Config sink cuts it to 256
   * characters, the CLI shows it whole.
   */
  annotation: string;
  /**
   * Which of the rule's runbooks fixes this finding; defaults to the rule's first remediation.
   * `null`: no runbook fixes it (e.g. a vulnerability: the image must be rebuilt).
   */
  runbook?: string | null;
  /** Set when the resource could not be read (see not-readable.ts): no verdict, no runbook. */
  notReadable?: Unreadable;
}

/** Config's periodic frequencies. */
export type MaximumExecutionFrequency =
  | 'One_Hour'
  | 'Three_Hours'
  | 'Six_Hours'
  | 'Twelve_Hours'
  | 'TwentyFour_Hours';

/** How a rule's NON_COMPLIANT result maps to an SSM Automation runbook. */
export interface RemediationRef<P = unknown> {
  /** VerbNoun file name in `automations/` without `.yaml`; deployed as `EcrGuardrails-<runbook>`. */
  runbook: string;
  /** The runbook parameter that receives the Config resource id. */
  resourceIdParameter: string;
  /**
   * Further runbook parameters derived from the rule parameters, so that the fix matches
   * what the rule checks (e.g. the same age limit). Values are strings as SSM expects them.
   */
  parameters?: (params: P) => Record<string, string>;
  /** True when the runbook can delete data: never wired to automatic remediation. */
  destructive?: boolean;
  /** One sentence for reports: what running it does. */
  summary: string;
}

/** Compliance frameworks a rule serves. */
export interface ControlMappings {
  securityHub: string[];
  nist800190: string[];
  nist80053: string[];
}

export interface RuleMetadata<P> {
  /** Folder name and Config rule name suffix, kebab-case. */
  id: string;
  /** Short title for reports. */
  title: string;
  /** What the rule checks and why, for the README, SARIF and the Config rule description. */
  description: string;
  /** The resource type evaluations are reported for. */
  resourceType: string;
  triggers: {
    /** Resource types whose configuration changes trigger an evaluation (Config rule scope). */
    changeResourceTypes: string[];
    /** Periodic frequency, when the rule also (or only) runs on a schedule. */
    periodic?: MaximumExecutionFrequency;
  };
  /** Rule parameters: a JSON schema with defaults; values arrive as strings from Config. */
  parameters: ParametersSchema;
  /** IAM actions the collector needs in the evaluated account (the evaluation role). */
  permissions: string[];
  /** The first entry is the Config "Remediate" button; others are offered in reports. */
  remediations: [RemediationRef<P>, ...RemediationRef<P>[]];
  controls: ControlMappings;
  /**
   * Set when some NON_COMPLIANT findings of the rule are fixed by no runbook (e.g. old
   * vulnerabilities: the image must be rebuilt): one sentence naming them. A runbook's success
   * then does not prove that a finding of the rule is resolved (security-hub/routes.ts).
   */
  findingsWithoutRunbook?: string;
  /**
   * Severity of a NON_COMPLIANT result, for reports and `scan --fail-on`. Default: the
   * highest Security Hub severity of the mapped controls (`severity.ts`).
   */
  severity?: Severity;
}

/** What a collector receives: clients for one account and region, and the run's settings. */
export interface CollectContext<P> {
  clients: ClientFactory;
  accountId: string;
  region: string;
  partition: string;
  params: P;
  /** The evaluation time; collectors that summarise by age use it instead of the clock. */
  now: Date;
  /**
   * The Config rule being evaluated (Lambda runs only; absent in CLI scans). A collector that
   * may stop early uses it to read the rule's previous results and resume where it stopped.
   */
  configRuleName?: string;
  logger: Logger;
  /** Milliseconds left before the run must stop collecting (Lambda time left, or Infinity). */
  remainingTimeMs: () => number;
  /** Reports progress of long collections (the CLI shows it on a terminal). */
  progress: (message: string) => void;
  /**
   * Per account-and-region memo shared by every rule of one run, so that two rules needing
   * the same listing (e.g. all ECR repositories) make the calls once.
   */
  memo: <T>(key: string, load: () => Promise<T>) => Promise<T>;
}

export interface Collector<P, F> {
  /** Everything the rule evaluates in one account and region (periodic runs and scans). */
  collectAll(ctx: CollectContext<P>): Promise<F>;
  /**
   * Called for every rule of a scope before any `collectAll` of that scope (CLI scans), so a
   * rule can register for listings another rule makes (rules/common/ecr-images.ts). No I/O.
   */
  prepare?(ctx: CollectContext<P>): Promise<void>;
  /**
   * Facts for the resource(s) a configuration change concerns. The item may be of any of
   * `triggers.changeResourceTypes` (a subnet change re-evaluates its VPC). Returns undefined
   * when the change concerns nothing this rule evaluates.
   */
  collectForChange?(item: ConfigurationItem, ctx: CollectContext<P>): Promise<F | undefined>;
}

/** A complete rule: metadata + collector + pure evaluator. Facts `F` must be JSON-serialisable. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- `Rule` alone is any rule of the registry, whatever its parameter and fact types
export interface Rule<P = any, F = any> extends RuleMetadata<P> {
  collector: Collector<P, F>;
  /**
   * Pure: no I/O, no clock. The same facts, parameters and time give the same evaluations.
   * May be asynchronous (ecr-repository-access simulates IAM policies with a library whose
   * action data loads on first use); every caller awaits it.
   */
  evaluate(facts: F, params: P, now: Date): Evaluation[] | Promise<Evaluation[]>;
  /**
   * Ids of every resource of `resourceType` the facts show to exist, evaluated or not. A
   * periodic run marks earlier results for resources outside this list NOT_APPLICABLE.
   * Defaults to the ids of the evaluations; a rule that may stop early (time budget) must
   * list the resources it did not reach too, so they are not mistaken for deleted ones.
   */
  inventory?(facts: F): string[];
}

/** Identity helper that keeps the parameter and fact types checked in each rule's `rule.ts`. */
export function defineRule<P, F, E extends Evaluation[] | Promise<Evaluation[]> = Evaluation[]>(
  rule: Omit<Rule<P, F>, 'parameters' | 'evaluate'> & { parameters: JSONSchemaType<P>; evaluate(facts: F, params: P, now: Date): E },
): Omit<Rule<P, F>, 'evaluate'> & { evaluate(facts: F, params: P, now: Date): E } {
  return rule as unknown as Omit<Rule<P, F>, 'evaluate'> & { evaluate(facts: F, params: P, now: Date): E };
}
