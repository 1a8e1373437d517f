/**
 * Who to ask about: the callers whose access to a repository the simulation decides. Pure.
 *
 * The policy text only proposes candidates (every account id, IAM principal ARN, organisation id
 * and service principal it names, plus an unrelated outside account); whether any of them may
 * call an action is decided by simulating the policy (policy-risk.ts; only the statements that can
 * apply to the caller, scope.ts), never by reading a statement. Candidates that occur in exactly the same places of the policy are interchangeable
 * (IAM matches list members independently), so one representative per such class is simulated
 * and the finding names the whole class: the cost depends on the policy's structure, not on how
 * many account ids a list holds.
 */

import { classes, placesOf, toldApart } from './candidate-classes.js';
import { DEFAULT_IDENTITY, type ProbeIdentity } from './probe-identity.js';
import { statementsOf, strings, wildcard } from './policy-values.js';
import { operatorsSafe } from './question-cache.js';

export { statementsOf } from './policy-values.js';

export interface AccessContext {
  /** `arn:PARTITION:ecr:REGION:ACCOUNT:repository/NAME` */
  repositoryArn: string;
  /** The repository's account. */
  accountId: string;
  /** Our organisation (`o-...`); undefined when the account is not in one or it is unknown. */
  organizationId?: string;
  /** Accounts trusted like the organisation (read and write). */
  trustedAccounts: readonly string[];
  /** Outside accounts that may pull (Read and List actions), never write. */
  allowedPullAccounts: readonly string[];
}

export type ProbeKind = 'public' | 'account' | 'service';

export interface Probe {
  kind: ProbeKind;
  /** The request principal: an IAM role ARN or a service principal. */
  principal: string;
  /** What the finding calls this caller, e.g. `account 444455556666` or `any AWS principal`. */
  label: string;
  /** Accounts this probe stands for (account probes): their class in the policy. */
  accounts: string[];
  /** The request context the probe carries; every key of KNOWN_KEYS not set here is absent. */
  context: Record<string, string | string[]>;
}

/**
 * Keys whose presence and value the probe fixes: who the caller is, on whose behalf a service
 * acts, and whose resource it is. Every other key (aws:SourceIp, aws:SourceVpce,
 * aws:SecureTransport, aws:PrincipalTag/..., ecr:ResourceTag/...) is the caller's choice or
 * the repository's, and the simulation reports it as a condition of the access instead.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
 */
export const KNOWN_KEYS = [
  'aws:PrincipalAccount',
  'aws:PrincipalArn',
  'aws:PrincipalOrgID',
  'aws:PrincipalOrgPaths',
  'aws:PrincipalType',
  'aws:PrincipalIsAWSService',
  'aws:PrincipalServiceName',
  'aws:PrincipalServiceNamesList',
  'aws:userid',
  'aws:username',
  'aws:SourceAccount',
  'aws:SourceArn',
  'aws:SourceOrgID',
  'aws:SourceOrgPaths',
  'aws:SourceOwner',
  'aws:ResourceAccount',
  'aws:ResourceOrgID',
  // Not aws:ResourceOrgPaths: the repository account's path is not known here (only the
  // organisation id), and a key fixed as absent would make `ForAnyValue:StringLike
  // aws:ResourceOrgPaths o-.../*` look unmet; reported as a condition instead.
] as const;
/** KNOWN_KEYS lower-cased: condition keys are case-insensitive. */
export const FIXED_KEYS: ReadonlySet<string> = new Set(KNOWN_KEYS.map((key) => key.toLowerCase()));

const ACCOUNT = /(?<![0-9])[0-9]{12}(?![0-9])/g;
/**
 * IAM roles and users, and the sessions a resource policy may also name: a role session
 * (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`) and a federated user session
 * (`arn:aws:sts::ACCOUNT:federated-user/NAME`).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 */
const PRINCIPAL_ARN = /arn:aws[a-z-]*:(?:iam::[0-9]{12}:(?:role|user)|sts::[0-9]{12}:(?:assumed-role|federated-user))\/[A-Za-z0-9+=,.@_/*?-]+/g;
const ORGANIZATION = /\bo-[a-z0-9]{10,32}\b/g;
/**
 * Wildcard patterns over account ids (`1111*`, `11112222333?`, `*3333`, inside an ARN such as
 * `arn:aws:iam::1111*:role/*`) and organisation ids (`o-a1b2*`): StringLike / ArnLike match them
 * against every account or organisation, so each proposes an unnamed outsider that matches it.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 */
const ACCOUNT_PATTERN = /(?<![A-Za-z0-9*?_-])[0-9*?]*[0-9][0-9*?]*(?![A-Za-z0-9*?_])/g;
/** Condition keys that tell a role session, an IAM user and a root user apart. */
const IDENTITY_KEYS = /aws:(PrincipalArn|PrincipalType|userid|username)\b/i;
/** Condition keys (case-insensitive) that read the caller's organisation, or the organisation a service acts for. */
const ORGANIZATION_KEYS = /aws:(?:Principal|Source)Org(?:ID|Paths)/i;
const ORGANIZATION_PATTERN = /(?<![A-Za-z0-9*?-])o-[a-z0-9*?]*(?![A-Za-z0-9*?-])/g;

/** An account id that appears nowhere in the text and is none of ours: an unrelated outsider. */
function unrelatedAccount(text: string, context: AccessContext): string {
  for (let n = 0; ; n++) {
    const candidate = String(n).padStart(12, '0');
    if (!text.includes(candidate) && candidate !== context.accountId && !context.trustedAccounts.includes(candidate)) return candidate;
  }
}

/** An id of `length` characters (after `prefix`) matching `pattern` (`*`, `?`), none of `avoid`; filled with each of `fills` in turn. */
function matching(pattern: string, prefix: string, length: number, fills: string, avoid: ReadonlySet<string>): string | undefined {
  const body = pattern.slice(prefix.length);
  const fixed = body.replace(/\*/g, '').length;
  if (fixed > length || (!body.includes('*') && fixed !== length)) return undefined;
  for (const fill of fills) {
    let first = true;
    const candidate = prefix + body.replace(/[*?]/g, (wildcard) => (wildcard === '?' ? fill : first ? ((first = false), fill.repeat(length - fixed)) : ''));
    if (!avoid.has(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The wildcard patterns of the text that `regexp` finds (account ids, or `o-...` organisation
 * ids), each with one unnamed id it matches: [pattern, id] pairs.
 */
function patternIds(text: string, regexp: RegExp, prefix: string, alphabet: string, avoid: ReadonlySet<string>): Array<[string, string]> {
  const found: Array<[string, string]> = [];
  for (const pattern of new Set(text.match(regexp) ?? [])) {
    if (!/[*?]/.test(pattern)) continue;
    const id = matching(pattern, prefix, 12, alphabet, avoid);
    if (id) found.push([pattern, id]);
  }
  return found;
}

function unrelatedOrganization(text: string, context: AccessContext): string {
  for (let n = 0; ; n++) {
    const candidate = `o-outsider${String(n).padStart(4, '0')}`;
    if (!text.includes(candidate) && candidate !== context.organizationId) return candidate;
  }
}

const partitionOf = (arn: string) => arn.split(':')[1] ?? 'aws';
const accountOfArn = (arn: string) => arn.split(':')[4] ?? '';

/**
 * The identity keys of a caller: an IAM role (its session), user, root user, or a session named
 * by its sts ARN. A role session's aws:PrincipalArn is its role's ARN, a federated user's its
 * sts ARN; their aws:userid ends with the session name.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
 */
function principalContext(principalArn: string, account: string, organization: string | undefined, context: AccessContext, identity: ProbeIdentity): Record<string, string | string[]> {
  const user = principalArn.includes(':user/');
  const root = principalArn.endsWith(':root');
  const session = /:assumed-role\/([^/]+)\/(.+)$/.exec(principalArn);
  const federated = /:federated-user\/(.+)$/.exec(principalArn);
  return {
    'aws:PrincipalAccount': account,
    'aws:PrincipalArn': session ? `arn:${partitionOf(principalArn)}:iam::${account}:role/${session[1]!}` : principalArn,
    'aws:PrincipalType': root ? 'Account' : user ? 'User' : federated ? 'FederatedUser' : 'AssumedRole',
    // Always in the request context of an IAM user, role session or root user (a unique id none
    // of the policy's names; the account id for root): `StringLike aws:userid "*"` matches every caller.
    'aws:userid': root ? account : user ? `AIDA${identity.id}` : federated ? `${account}:${federated[1]!}` : `AROA${identity.id}:${session ? session[2]! : identity.name}`,
    ...(user ? { 'aws:username': principalArn.split('/').pop() ?? '' } : {}),
    'aws:PrincipalIsAWSService': 'false',
    ...(organization ? { 'aws:PrincipalOrgID': organization, 'aws:PrincipalOrgPaths': [orgPath(organization, identity)] } : {}),
    ...resourceContext(context),
  };
}

/** An organisation path of the probe's account: root and OU ids of its own. */
const orgPath = (organization: string, identity: ProbeIdentity) => `${organization}/r-${identity.id.toLowerCase()}/ou-${identity.id.toLowerCase()}/`;

function resourceContext(context: AccessContext): Record<string, string> {
  return { 'aws:ResourceAccount': context.accountId, ...(context.organizationId ? { 'aws:ResourceOrgID': context.organizationId } : {}) };
}

const SERVICE_NAME = /^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.amazonaws\.com(?:\.cn)?$/i;

/**
 * Service principals to ask about, lower-cased and as written: those the policy names
 * (`Principal: {"Service": ...}`), every service name it mentions elsewhere (a statement with
 * `Principal: "*"` and `aws:PrincipalServiceName` grants that service), and an unnamed service
 * when a condition reads the caller's service (aws:PrincipalIsAWSService, aws:PrincipalServiceName
 * with a pattern). https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
 */
function servicePrincipals(policy: unknown, text: string, identity: ProbeIdentity): string[] {
  const found = new Set<string>();
  for (const statement of statementsOf(policy)) {
    const principal = (statement as { Principal?: { Service?: unknown } } | null)?.Principal;
    const service = principal && typeof principal === 'object' ? principal.Service : undefined;
    // Also as written: AWS documents no case rule for service principal names, and a grant the
    // simulator cannot match under another case must not pass unseen.
    for (const name of Array.isArray(service) ? service : service === undefined ? [] : [service]) if (typeof name === 'string') found.add(name.toLowerCase()).add(name);
  }
  const values: Array<[string, string]> = [];
  strings(policy, '', values);
  for (const [, value] of values) if (SERVICE_NAME.test(value)) found.add(value.toLowerCase());
  if (/aws:PrincipalIsAWSService|aws:PrincipalServiceName/i.test(text)) found.add(identity.service);
  return [...found].sort();
}

/** Wildcard values of aws:SourceArn conditions (any operator), sorted. */
function sourceArnPatterns(policy: unknown): string[] {
  const values: Array<[string, string]> = [];
  strings(policy, '', values);
  return [...new Set(values.filter(([path, value]) => /\/aws:sourcearn$/i.test(path) && /[*?]/.test(value)).map(([, value]) => value))].sort();
}

/** An ARN of `source` matching the pattern when its account field admits `source` (a wildcard filled with `x`). */
function sourceArnMatching(pattern: string, source: string): string {
  const fields = pattern.split(':');
  if (fields.length > 4) fields[4] = source;
  return fields.join(':').replace(/\*/g, 'x').replace(/\?/g, 'x');
}

/**
 * Role and user names (`role/NAME`, `user/NAME`, wildcards filled) that conditions of the policy
 * read: in ARN values (aws:PrincipalArn) and aws:username values; and role session names in
 * aws:userid values (`AROA...:SESSION`). The caller's account chooses them (it creates its roles
 * and users, and names its sessions).
 */
function chosenNames(policy: unknown, identity: ProbeIdentity): string[] {
  const values: Array<[string, string]> = [];
  strings(policy, '', values);
  const names = new Set<string>();
  for (const [path, value] of values) {
    if (!/\/Condition\//.test(path)) continue;
    // Under a named account the ARN is a candidate of its own (PRINCIPAL_ARN); under a pattern, any account's.
    for (const [, account, type, name] of value.matchAll(/:([^:]*):(role|user)\/([A-Za-z0-9+=,.@_/*?-]+)/g)) if (!/^[0-9]{12}$/.test(account!)) names.add(`${type!}/${name!.replace(/[*?]/g, 'x')}`);
    if (/\/aws:username$/i.test(path) && /^[A-Za-z0-9+=,.@_*?-]+$/.test(value)) names.add(`user/${value.replace(/[*?]/g, 'x')}`);
    const session = /\/aws:userid$/i.test(path) ? /:([A-Za-z0-9+=,.@_*?-]+)$/.exec(value) : null;
    if (session) names.add(`assumed-role/${identity.name}/${session[1]!.replace(/[*?]/g, 'x')}`);
  }
  return [...names].sort();
}

/** The callers to simulate for this policy (parsed JSON and its text). */
export function probesFor(policy: unknown, text: string, context: AccessContext, options: { everyOrganization?: boolean; identity?: ProbeIdentity } = {}): Probe[] {
  const identity = options.identity ?? DEFAULT_IDENTITY;
  const ours = new Set([context.accountId, ...context.trustedAccounts]);
  const partition = partitionOf(context.repositoryArn);
  const outsider = unrelatedAccount(text, context);
  const foreignOrgs = [...new Set(text.match(ORGANIZATION) ?? [])].filter((org) => org !== context.organizationId).sort();
  const orgPatterns = new Map(patternIds(text, ORGANIZATION_PATTERN, 'o-', 'zyx0123456789', new Set([...(context.organizationId ? [context.organizationId] : []), ...foreignOrgs])).map(([pattern, org]) => [org, pattern]));
  // A caller's organisation reaches the decision through these keys only (the probe sets them):
  // when no condition or policy variable reads one, a caller in no organisation stands for all
  // (`everyOrganization` asks about every one anyway, for tests).
  const readsOrganization = options.everyOrganization === true || ORGANIZATION_KEYS.test(text);
  const organizations: Array<string | undefined> = readsOrganization ? [undefined, unrelatedOrganization(text, context), ...foreignOrgs, ...orgPatterns.keys()] : [undefined];
  const inOrg = (org: string | undefined) => (org && foreignOrgs.includes(org) ? ` in organisation ${org}` : org && orgPatterns.has(org) ? ` in an organisation matching ${orgPatterns.get(org)!}` : '');
  const probes: Probe[] = [];

  const publicCallers: Array<[string, string]> = [
    [outsider, 'any AWS principal'],
    ...patternIds(text, ACCOUNT_PATTERN, '', '0123456789', new Set([...ours, ...context.allowedPullAccounts, ...(text.match(ACCOUNT) ?? [])])).map(([pattern, account]): [string, string] => [account, `any AWS principal in an account matching ${pattern}`]),
  ];
  // A role session, and, when a condition reads the caller's identity (aws:PrincipalArn,
  // aws:PrincipalType, aws:userid, aws:username), also an IAM user and the account's root user:
  // `ArnLike aws:PrincipalArn arn:aws:iam::*:user/*` admits every IAM user of every account.
  // Also every role and user name a condition matches callers by (`ArnLike aws:PrincipalArn
  // arn:aws:iam::*:role/deployer`, `aws:username`): an account names its own roles and users, so
  // any outside account can have one of that name.
  // A federated user session too (aws:PrincipalType FederatedUser), and role sessions with the
  // session names aws:userid conditions read (the caller names its session).
  const kinds = IDENTITY_KEYS.test(text) ? [...new Set([`role/${identity.name}`, `user/${identity.name}`, 'root', `federated-user/${identity.name}`, ...chosenNames(policy, identity)])] : [`role/${identity.name}`];
  const arnOf = (account: string, kind: string) => `arn:${partition}:${/^(assumed-role|federated-user)\//.test(kind) ? 'sts' : 'iam'}::${account}:${kind}`;
  for (const [account, who] of publicCallers) {
    for (const kind of kinds) {
      for (const org of organizations) {
        const arn = arnOf(account, kind);
        probes.push({ kind: 'public', principal: arn, label: `${who}${inOrg(org)}`, accounts: [], context: principalContext(arn, account, org, context, identity) });
      }
    }
  }

  // Accounts named anywhere (principals, conditions), one per class of places.
  // Told apart also by any other value matching them (`StringLike aws:PrincipalAccount 4444*`,
  // `ArnLike aws:PrincipalArn arn:aws:iam::4444*:*`, an account pattern inside a value).
  const found: Array<[string, string]> = [];
  strings(policy, '', found);
  const accountPatterns = [...new Set((text.match(ACCOUNT_PATTERN) ?? []).filter((value) => /[*?]/.test(value)))].map((value) => wildcard(value));
  // A numeric, date or binary operator could order or encode ids: then every candidate on its own.
  const ordered = !operatorsSafe(statementsOf(policy));
  const accountTold = toldApart(found, ACCOUNT);
  const accountForms = (account: string) => [account, ...kinds.map((kind) => arnOf(account, kind))];
  const accountPlaces = placesOf(policy, ACCOUNT, identity.name);
  const accountKey = new Map<string, string>();
  const accountClasses = [
    ...classes(accountPlaces, (account) => {
      const key = ordered ? account : `${accountPlaces.get(account)!}\u0002${accountTold(account, accountForms(account))}\u0002${accountPatterns.map((re) => +re.test(account)).join('')}`;
      accountKey.set(account, key);
      return key;
    }).values(),
  ]
    .map((accounts) => accounts.filter((account) => !ours.has(account)))
    .filter((accounts) => accounts.length);
  for (const accounts of accountClasses) {
    // Accounts allowed to pull are judged apart from the others of their class.
    for (const group of [accounts.filter((a) => context.allowedPullAccounts.includes(a)), accounts.filter((a) => !context.allowedPullAccounts.includes(a))]) {
      if (!group.length) continue;
      const account = group[0]!;
      const label = group.length === 1 ? `account ${account}` : `accounts ${group.join(', ')}`;
      for (const kind of kinds) {
        const arn = arnOf(account, kind);
        for (const org of organizations) probes.push({ kind: 'account', principal: arn, label: `${label}${inOrg(org)}`, accounts: group, context: principalContext(arn, account, org, context, identity) });
      }
    }
  }

  // Named roles and users (a grant to one role is not a grant to the account's other principals).
  // Told apart also by their account's class, and by any other value matching one of their
  // forms (aws:PrincipalArn, aws:username, aws:userid patterns; a role ARN naming a session's role).
  const arnTold = toldApart(found, PRINCIPAL_ARN);
  const arnForms = (arn: string) => {
    const probe = arn.replace(/[*?]/g, 'x');
    return [arn, probe, ...Object.values(principalContext(probe, accountOfArn(probe), undefined, context, identity)).flat()];
  };
  for (const arns of classes(placesOf(policy, PRINCIPAL_ARN, identity.name), (arn) => (ordered ? arn : `${accountKey.get(accountOfArn(arn)) ?? ''}\u0003${arnTold(arn, arnForms(arn))}`)).values()) {
    const outside = arns.filter((arn) => !ours.has(accountOfArn(arn)));
    if (!outside.length) continue;
    const arn = outside[0]!.replace(/[*?]/g, 'x');
    const account = accountOfArn(arn);
    for (const org of organizations) {
      probes.push({ kind: 'account', principal: arn, label: `${outside.length === 1 ? outside[0]! : outside.join(', ')}${inOrg(org)}`, accounts: [account], context: principalContext(arn, account, org, context, identity) });
    }
  }

  // Service principals acting for an outside account or organisation (confused deputy).
  const sourceAccounts = [outsider, ...publicCallers.slice(1).map(([account]) => account), ...accountClasses.map((accounts) => accounts[0]!)];
  // The resource the service acts for: a made-up one, and one matching each aws:SourceArn pattern
  // of the policy (`arn:aws:codebuild:*:*:project/*` admits every account's projects).
  const arnPatterns = sourceArnPatterns(policy);
  for (const service of servicePrincipals(policy, text, identity)) {
    for (const source of sourceAccounts) {
      const sourceArns = [
        `arn:${partition}:${service.split('.')[0]}:${context.repositoryArn.split(':')[3] ?? ''}:${source}:${identity.name}`,
        ...arnPatterns.map((pattern) => sourceArnMatching(pattern, source)),
      ];
      for (const sourceArn of [...new Set(sourceArns)]) {
        for (const org of organizations) {
          probes.push({
            kind: 'service',
            principal: service,
            label: `service ${service}`,
            accounts: [],
            context: {
              'aws:PrincipalIsAWSService': 'true',
              'aws:PrincipalServiceName': service,
              'aws:SourceAccount': source,
              'aws:SourceOwner': source,
              'aws:SourceArn': sourceArn,
              ...(org ? { 'aws:SourceOrgID': org, 'aws:SourceOrgPaths': [orgPath(org, identity)] } : {}),
              ...resourceContext(context),
            },
          });
        }
      }
    }
    // The same service calling with no source keys at all: AWS adds aws:SourceAccount and
    // aws:SourceArn only when the service acts for a resource
    // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceaccount),
    // so `...IfExists` or `ForAllValues:` on them lets such a call through: no confused-deputy protection.
    probes.push({
      kind: 'service',
      principal: service,
      label: `service ${service}`,
      accounts: [],
      context: { 'aws:PrincipalIsAWSService': 'true', 'aws:PrincipalServiceName': service, ...resourceContext(context) },
    });
  }
  return probes;
}
