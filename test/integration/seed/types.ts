/** The contract between the integration tests and each rule's seed (docs/testing.md). */
import type { ComplianceType } from '../../../rules/kernel/types.js';
import type { AwsScope, Clients } from '../support/emulator.js';

export interface SeedContext extends AwsScope {
  clients: Clients;
}

/** What the rule must say about one seeded resource, and why (the case it stands for). */
export interface Expectation {
  complianceType: ComplianceType;
  case: string;
}

/** Ground truth of one seeded scope: resource id -> expected verdict. */
export type GroundTruth = Record<string, Expectation>;

export interface RuleSeed {
  ruleId: string;
  /**
   * Creates this rule's cases in `ctx` (a region no other rule's seed uses) and returns the
   * verdict for every resource of the rule's type in that region, including any the emulator
   * creates by itself (the default VPC).
   */
  seed(ctx: SeedContext): Promise<GroundTruth>;
}
