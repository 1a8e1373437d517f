/**
 * `policyRisk(policyText, context)`: who outside the organisation can do what to a repository,
 * decided by simulating the policy with `@cloud-copilot/iam-simulate` (Discovery mode: the
 * caller fixes who it is, everything it could choose, such as its IP address or VPC endpoint,
 * becomes a reported condition instead of a guess). Pure: no AWS call; the IAM action data
 * the simulator reads ships inside the package. Used by the rule and by detections.
 *
 * The questions, per probe (probes.ts) and per repository action (ecr-actions.ts):
 * - can any AWS principal of an unrelated account call it?            -> public
 * - can a named outside account (not ours, not trusted) write?         -> outside-write
 * - can it pull or read, when it is not in AllowedPullAccounts?        -> outside-pull
 * - can a named service principal act for an outside account or org?   -> service-unconfined
 */
import type { Severity } from '../kernel/severity.js';
import { ecrRepositoryActions } from './ecr-actions.js';
import { createValidatedPolicy, validateResourcePolicy } from '@cloud-copilot/iam-policy';
import { actionCoverage, type ActionCoverage } from './action-coverage.js';
import { KNOWN_KEYS, probesFor, statementsOf, type AccessContext, type Probe } from './probes.js';
import { instantiated, questionKey, subjectAccount, templated } from './question-cache.js';
import { withCallerChoices } from './caller-variables.js';
import { mergeConditionValues } from './merge.js';
import { probeIdentity } from './probe-identity.js';
import { strings } from './policy-values.js';
import { scoper, type Scoped } from './scope.js';

export type { AccessContext } from './probes.js';

export type GrantKind = 'public' | 'outside-write' | 'outside-pull' | 'service-unconfined';

export interface RiskyGrant {
  kind: GrantKind;
  /** Who: `any AWS principal`, `account 444455556666`, a role ARN, `service codebuild.amazonaws.com`. */
  principal: string;
  /** Accounts the grant reaches (account grants), for the runbook. */
  accounts: string[];
  /** The allowed actions, sorted. */
  actions: string[];
  /** The Allow statements that grant it: Sid, or `#n` (1-based) without one. */
  statements: string[];
  /** Conditions the caller can meet by itself (aws:SourceIp, aws:SourceVpce, ...), when any. */
  when?: string;
}

export interface PolicyRisk {
  /** The highest severity of the grants; INFORMATIONAL when nothing reaches outside. */
  severity: Severity;
  grants: RiskyGrant[];
  /** Set when the policy could not be judged (not JSON, rejected by the simulator): never safe. */
  error?: string;
}

const KIND_ORDER: GrantKind[] = ['public', 'outside-write', 'service-unconfined', 'outside-pull'];

/** Severity of one grant: public write is the worst case NIST SP 800-190 3.2.3 describes (images replaced). */
function grantSeverity(grant: RiskyGrant, write: ReadonlySet<string>): Severity {
  const writes = grant.actions.some((action) => write.has(action));
  switch (grant.kind) {
    case 'public':
      return writes ? 'CRITICAL' : 'HIGH';
    case 'outside-write':
      return 'HIGH';
    case 'service-unconfined':
      return writes ? 'HIGH' : 'MEDIUM';
    case 'outside-pull':
      return 'MEDIUM';
  }
}

const RANK: Severity[] = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
const highest = (severities: Severity[]) => severities.reduce<Severity>((a, b) => (RANK.indexOf(b) > RANK.indexOf(a) ? b : a), 'INFORMATIONAL');

interface ConditionLeaf {
  conditionType: string;
  op?: string;
  key?: string;
  values?: string[];
  operator?: string;
  conditions?: ConditionLeaf[];
}

/** The simulator's allowed-condition expression in words. */
export function describeCondition(condition: ConditionLeaf | undefined): string | undefined {
  if (!condition || condition.conditionType === 'always') return undefined;
  if (condition.conditionType === 'condition') return `${condition.key} ${condition.op} ${(condition.values ?? []).join('|')}`;
  if (condition.conditionType === 'group') {
    const parts = (condition.conditions ?? []).map(describeCondition).filter((part): part is string => part !== undefined);
    return parts.length > 1 ? `(${parts.join(` ${condition.operator} `)})` : parts[0];
  }
  return condition.conditionType;
}

interface Allowed {
  probe: Probe;
  action: string;
  statements: string[];
  when?: string;
}

const CONSTRAINTS = KNOWN_KEYS.map((keyName) => ({ keyName, presenceIsKnown: true as const, valueIsKnown: true as const }));
/** The outside caller controls its own identity policies: they allow everything. */
const CALLER_IDENTITY_POLICY = { name: 'caller-allows-everything', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } };

class PolicyRejectedError extends Error {}

/** The simulator, loaded on first use (once per process: an import() per question costs a loader round trip). */
let simulator: Promise<typeof import('@cloud-copilot/iam-simulate')> | undefined;

/** A simulation's answer: the allowing statements (1-based, in the policy simulated) and the condition, if any. */
interface Answer {
  statements: number[];
  when?: string;
}

async function simulate(policy: unknown, probe: Probe, action: string, context: AccessContext): Promise<Answer | undefined> {
  const { runSimulation } = await (simulator ??= import('@cloud-copilot/iam-simulate'));
  const response = await runSimulation(
    {
      request: { principal: probe.principal, action, resource: { resource: context.repositoryArn, accountId: context.accountId }, contextVariables: probe.context },
      identityPolicies: probe.kind === 'service' ? [] : [CALLER_IDENTITY_POLICY],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: policy,
    },
    { simulationMode: 'Discovery', discoveryContextKeyConstraints: CONSTRAINTS },
  );
  if (response.resultType === 'error') throw new PolicyRejectedError(response.errors.message);
  if (response.resultType !== 'single' || response.overallResult !== 'Allowed') return undefined;
  const analysis = response.result.analysis;
  const statements = (analysis.resourceAnalysis?.allowStatements ?? []).map(({ statement }) => statement.index());
  const when = describeCondition(analysis.conditions);
  return { statements, ...(when ? { when } : {}) };
}

function kindOf(allowed: Allowed, write: ReadonlySet<string>, context: AccessContext): GrantKind | undefined {
  switch (allowed.probe.kind) {
    case 'public':
      return 'public';
    case 'service':
      return 'service-unconfined';
    case 'account':
      if (write.has(allowed.action)) return 'outside-write';
      return allowed.probe.accounts.every((account) => context.allowedPullAccounts.includes(account)) ? undefined : 'outside-pull';
  }
}

/** Merges allowed (probe, action) pairs into grants: one per kind, principal, condition. */
function grantsOf(allowed: Allowed[], write: ReadonlySet<string>, context: AccessContext): RiskyGrant[] {
  const publicActions = new Set(allowed.filter((a) => a.probe.kind === 'public' && !a.when).map((a) => a.action));
  const grants = new Map<string, RiskyGrant>();
  for (const entry of allowed) {
    const kind = kindOf(entry, write, context);
    if (!kind) continue;
    // A named account's access that the public grant already gives everyone adds nothing.
    if (kind !== 'public' && publicActions.has(entry.action)) continue;
    const key = `${kind}\u0000${entry.probe.label}\u0000${entry.when ?? ''}`;
    const grant = grants.get(key) ?? { kind, principal: entry.probe.label, accounts: entry.probe.accounts, actions: [], statements: [], ...(entry.when ? { when: entry.when } : {}) };
    if (!grant.actions.includes(entry.action)) grant.actions.push(entry.action);
    for (const statement of entry.statements) if (!grant.statements.includes(statement)) grant.statements.push(statement);
    grants.set(key, grant);
  }
  return [...grants.values()]
    .map((grant) => ({ ...grant, actions: grant.actions.sort() }))
    .sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.principal.localeCompare(b.principal));
}

/** What the simulations of one policy share: its statements as simulated, and what is computed once about them. */
interface Plan {
  policy: unknown;
  /** The policy the probes are drawn from (probes.ts). */
  probePolicy: unknown;
  /** Statements to simulate (merge.ts) and the policy's statements each stands for. */
  statements: unknown[];
  origins: number[][];
  labels: string[];
  coverage: ActionCoverage;
  scopeFor: (account: string | undefined) => Scoped;
  context: AccessContext;
  exhaustive: boolean;
  /** Answers per distinct question (question-cache.ts). */
  answers: Map<string, Answer | null>;
  stats?: SimulationStats;
}

/** The simulation work a judgement took (benchmarks read it). */
export interface SimulationStats {
  simulations: number;
  /** Statements read, summed over the simulations. */
  statementsSimulated: number;
}

function planFor(policy: unknown, all: string[], context: AccessContext, exhaustive: boolean, stats: SimulationStats | undefined): Plan {
  const original = statementsOf(policy);
  // Comparisons the caller decides (caller-variables.ts) resolved in its favour; a statement left
  // out keeps its place in `origins` (which name the policy's statements).
  const chosen = withCallerChoices(original);
  const present = original.map((_, index) => index).filter((index) => chosen[index] !== undefined);
  const base = present.map((index) => chosen[index]);
  const merged = exhaustive ? { statements: base, origins: base.map((_, index) => [index]) } : mergeConditionValues(base);
  const { statements } = merged;
  const origins = merged.origins.map((group) => group.map((index) => present[index]!));
  const scopeOf = scoper(statements);
  // Candidates are drawn from the statements as written and as rewritten (a caller-set variable
  // made a pattern proposes the outsiders it admits).
  const rewritten = chosen.filter((statement, index) => statement !== undefined && statement !== original[index]);
  return {
    policy,
    probePolicy: rewritten.length ? { ...(policy as object), Statement: [...original, ...rewritten] } : policy,
    statements,
    origins,
    labels: original.map((statement, index) => {
      const sid = (statement as { Sid?: unknown } | null)?.Sid;
      return typeof sid === 'string' ? sid : `#${index + 1}`;
    }),
    coverage: actionCoverage(statements, all),
    scopeFor: exhaustive ? () => scopeOf(undefined) : scopeOf,
    context,
    exhaustive,
    answers: new Map(),
    ...(stats ? { stats } : {}),
  };
}

/** The (probe, action) pairs the policy allows, for the actions of `classes` (each simulated apart). */
async function allowedFor(plan: Plan, probe: Probe, classes: string[][]): Promise<Allowed[]> {
  const scope = plan.scopeFor(probe.kind === 'service' ? undefined : String(probe.context['aws:PrincipalAccount']));
  // No statement can apply: the implicit deny, nothing to simulate.
  if (!scope.statements.length) return [];
  const scoped = createValidatedPolicy({ ...(plan.policy as object), Statement: scope.statements }, () => []);
  const label = (index: number) => plan.origins[scope.indices[index - 1]!]!.map((origin) => plan.labels[origin]!);
  const subject = subjectAccount(probe);
  const probeKey = plan.exhaustive ? undefined : questionKey(scope.statements, probe, plan.context.repositoryArn);
  const allowed: Allowed[] = [];
  // Exhaustive: every action simulated on its own (grouping is a shortcut too).
  const groups = plan.exhaustive ? classes.flat().map((action) => [action]) : classes.flatMap((actions) => plan.coverage.groups(scope.indices, actions));
  for (const group of groups) {
    // No Allow statement covers the action: the implicit deny, nothing to simulate.
    if (!plan.exhaustive && !plan.coverage.allows(scope.indices, group[0]!)) continue;
    const key = probeKey === undefined ? undefined : `${probeKey}\u0000${group[0]!}`;
    let answer = key ? plan.answers.get(key) : undefined;
    if (answer === undefined) {
      const fresh = await simulate(scoped, probe, group[0]!, plan.context);
      if (plan.stats) {
        plan.stats.simulations += 1;
        plan.stats.statementsSimulated += scope.statements.length;
      }
      answer = fresh ? { ...fresh, ...(fresh.when ? { when: templated(fresh.when, subject) } : {}) } : null;
      if (key) plan.answers.set(key, answer);
    }
    if (!answer) continue;
    const when = answer.when ? instantiated(answer.when, subject) : undefined;
    for (const action of group) allowed.push({ probe, action, statements: answer.statements.flatMap(label), ...(when ? { when } : {}) });
  }
  return allowed;
}

/**
 * Who outside the organisation (and outside TrustedAccounts) can pull, push or change the
 * repository under `policyText`. An empty text means no policy: nothing reaches outside.
 * `exhaustive: true` simulates every question against the whole policy, without the shortcuts
 * (merge.ts, scope.ts, question-cache.ts, the implicit deny, one organisation when no condition
 * reads it, actions grouped by the statements covering them); tests compare both ways. `stats`, when given, counts the simulations.
 */
export async function policyRisk(policyText: string, context: AccessContext, extraActions: readonly string[] = [], options: { exhaustive?: boolean; stats?: SimulationStats } = {}): Promise<PolicyRisk> {
  if (policyText.trim() === '') return { severity: 'INFORMATIONAL', grants: [] };
  let policy: unknown;
  try {
    policy = JSON.parse(policyText);
  } catch (error) {
    return { severity: 'HIGH', grants: [], error: `the policy is not JSON (${(error as Error).message})` };
  }
  // Validated once, whole; the simulations read parts of it.
  const invalid = validateResourcePolicy(policy);
  if (invalid.length) return { severity: 'HIGH', grants: [], error: `the IAM simulator rejects the policy: ${invalid.map(({ path, message }) => `${path}: ${message}`).join('; ')}` };
  const actions = await ecrRepositoryActions();
  const write = new Set([...actions.write, ...extraActions]);
  const all = [...actions.pull, ...actions.write, ...extraActions];
  // Pull and write actions never share a group: the verdict differs by class.
  const classes = [all.filter((a) => !write.has(a)), all.filter((a) => write.has(a))];
  const plan = planFor(policy, all, context, options.exhaustive === true, options.stats);
  // Names and ids no value of the policy singles out (probe-identity.ts).
  const values: Array<[string, string]> = [];
  strings(plan.probePolicy, '', values);
  const identity = probeIdentity(values.map(([, value]) => value));
  if (!identity) return { severity: 'HIGH', grants: [], error: 'cannot be judged: the policy singles out every name and id a probe caller could carry' };
  const allowed: Allowed[] = [];
  try {
    // The text as parsed: an id written with JSON escapes (\u006f-...) is still found.
    for (const probe of probesFor(plan.probePolicy, JSON.stringify(plan.probePolicy), context, { everyOrganization: plan.exhaustive, identity })) allowed.push(...(await allowedFor(plan, probe, classes)));
  } catch (error) {
    if (error instanceof PolicyRejectedError) return { severity: 'HIGH', grants: [], error: `the IAM simulator rejects the policy: ${error.message}` };
    throw error;
  }
  const grants = grantsOf(allowed, write, context);
  return { severity: highest(grants.map((grant) => grantSeverity(grant, write))), grants };
}

/** One grant in words, for annotations and alerts. */
export function describeGrant(grant: RiskyGrant): string {
  const what =
    grant.kind === 'public'
      ? 'public'
      : grant.kind === 'outside-write'
        ? 'outside write'
        : grant.kind === 'outside-pull'
          ? 'outside pull/read'
          : 'service principal without aws:SourceAccount/aws:SourceArn/aws:SourceOrgID';
  const actions = grant.actions.length > 4 ? `${grant.actions.slice(0, 4).join(', ')} (+${grant.actions.length - 4})` : grant.actions.join(', ');
  return `${what}: ${grant.principal} can call ${actions} (statement ${grant.statements.join(', ') || '?'})${grant.when ? ` when ${grant.when}` : ''}`;
}
