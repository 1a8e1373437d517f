/**
 * Seeds one estate: for each rule of RULES, `seed/<rule-id>.ts` creates its cases in a region of
 * its own and returns their ground truth. Adding a rule to RULES without a seed file makes
 * `seedEstate` report it in `missing`, which the tests assert empty (it fails loudly).
 */
import { RULES } from '../../rules/index.js';
import { clientsFor, EMULATOR_ACCOUNT, type AwsScope } from './support/emulator.js';
import type { GroundTruth, RuleSeed } from './seed/types.js';

export interface SeededRule {
  ruleId: string;
  scope: AwsScope;
  truth: GroundTruth;
}

export interface Estate {
  rules: SeededRule[];
  /** Rules of RULES without `test/integration/seed/<rule-id>.ts`. */
  missing: string[];
}

async function loadSeed(ruleId: string): Promise<RuleSeed | undefined> {
  try {
    const module = (await import(`./seed/${ruleId}.ts`)) as { seed?: RuleSeed };
    if (module.seed?.ruleId !== ruleId) throw new Error(`seed/${ruleId}.ts must export \`seed\` with ruleId '${ruleId}'`);
    return module.seed;
  } catch (error) {
    if ((error as Error).message.includes('must export')) throw error;
    if (/Cannot find module|Failed to load url|Does the file exist|Unknown variable dynamic import/i.test((error as Error).message)) return undefined;
    throw error;
  }
}

/** Seeds every rule, rule i in `regions[i]` of `account` (each region is this rule's alone). */
export async function seedEstate(regions: readonly string[], account: Omit<AwsScope, 'region'> = { accountId: EMULATOR_ACCOUNT }): Promise<Estate> {
  if (regions.length < RULES.length) throw new Error(`seedEstate needs a region per rule: ${RULES.length} rules, ${regions.length} regions given`);
  const estate: Estate = { rules: [], missing: [] };
  for (const [index, rule] of RULES.entries()) {
    const seed = await loadSeed(rule.id);
    if (!seed) {
      estate.missing.push(rule.id);
      continue;
    }
    const scope: AwsScope = { ...account, region: regions[index]! };
    const truth = await seed.seed({ ...scope, clients: clientsFor(scope) });
    estate.rules.push({ ruleId: rule.id, scope, truth });
  }
  return estate;
}
