/**
 * Offline knowledge of AWS APIs, read from the AWS SDK for JavaScript v3 clients we ship.
 *
 * How this works without network or extra packages: since the SDK moved to schema-based
 * serialisation, every `@aws-sdk/client-*` package exports, next to each `XxxCommand` class,
 * the operation's Smithy schema as a plain array `Xxx$ = [9, namespace, 'Xxx', traits,
 * () => XxxRequest$, () => XxxResponse$]`. Structures are `[3, ns, name, traits, memberNames,
 * memberSchemas, requiredCount?]`, lists `[1, ns, name, traits, member]`, maps
 * `[2, ns, name, traits, key, value]`, simple types are numbers (`64 | t` is a list of `t`,
 * `128 | t` a map of `t`), a member with traits is `[schema, traits]`, and references are
 * thunks. Member names are the Smithy member names, which are also the names boto3 (and so
 * SSM Automation) uses in requests and responses. That gives us, per operation: does it exist,
 * which input members it takes (and which are required), and which paths exist in its output.
 *
 * The SSM `Service` of a step is the boto3 client name; `SERVICES` maps it to the SDK package
 * and to the IAM action prefix. A runbook that calls a service missing here fails validation
 * with a message that says what to add.
 */
import { createRequire } from 'node:module';
import { EcrGuardrailsError } from '../rules/kernel/errors.js';

/** What the toolchain knows of one service. */
export interface ServiceInfo {
  /** boto3 / SSM `Service` name, e.g. `route53`. */
  ssmName: string;
  /** npm package of the SDK v3 client, e.g. `@aws-sdk/client-route-53`. */
  sdkPackage: string;
  /** IAM action prefix, e.g. `route53`. */
  iamPrefix: string;
  /** Client class exported by the package, e.g. `Route53Client`. */
  clientClass: string;
}

/**
 * Services the runbooks may call. SSM names are boto3 client names (they differ from the SDK
 * package for route53 and config, and from the IAM prefix for a few services not used here,
 * e.g. boto3 `elbv2` is IAM `elasticloadbalancing`, boto3 `stepfunctions` is IAM `states`).
 */
export const SERVICES: Readonly<Record<string, ServiceInfo>> = {
  ec2: { ssmName: 'ec2', sdkPackage: '@aws-sdk/client-ec2', iamPrefix: 'ec2', clientClass: 'EC2Client' },
  ecr: { ssmName: 'ecr', sdkPackage: '@aws-sdk/client-ecr', iamPrefix: 'ecr', clientClass: 'ECRClient' },
  ssm: { ssmName: 'ssm', sdkPackage: '@aws-sdk/client-ssm', iamPrefix: 'ssm', clientClass: 'SSMClient' },
  route53: { ssmName: 'route53', sdkPackage: '@aws-sdk/client-route-53', iamPrefix: 'route53', clientClass: 'Route53Client' },
  config: { ssmName: 'config', sdkPackage: '@aws-sdk/client-config-service', iamPrefix: 'config', clientClass: 'ConfigServiceClient' },
  sts: { ssmName: 'sts', sdkPackage: '@aws-sdk/client-sts', iamPrefix: 'sts', clientClass: 'STSClient' },
  inspector2: { ssmName: 'inspector2', sdkPackage: '@aws-sdk/client-inspector2', iamPrefix: 'inspector2', clientClass: 'Inspector2Client' },
  // Called by the ecr-repository-access collector (UseAccessAnalyzer), not by a runbook.
  accessanalyzer: { ssmName: 'accessanalyzer', sdkPackage: '@aws-sdk/client-accessanalyzer', iamPrefix: 'access-analyzer', clientClass: 'AccessAnalyzerClient' },
  organizations: { ssmName: 'organizations', sdkPackage: '@aws-sdk/client-organizations', iamPrefix: 'organizations', clientClass: 'OrganizationsClient' },
  // Only 3.654.0 of this client is on the registry we install from: built before schema-based
  // serialisation, it exports commands but no schemas (see hasSchemas).
  route53resolver: { ssmName: 'route53resolver', sdkPackage: '@aws-sdk/client-route53resolver', iamPrefix: 'route53resolver', clientClass: 'Route53ResolverClient' },
};

/** Operations whose IAM action is not `<prefix>:<OperationName>`. None of ours today. */
const IAM_ACTION_OVERRIDES: Readonly<Record<string, string>> = {
  // 's3:ListObjectsV2': 's3:ListBucket', (example of the kind of entry this takes)
};

/** A service name the toolchain has no SDK client for (see SERVICES). */
export class UnknownServiceError extends EcrGuardrailsError {}

/** A resolved shape of the SDK model. */
export type Shape =
  | { kind: 'structure'; name: string; members: ReadonlyMap<string, () => Shape>; required: ReadonlySet<string> }
  | { kind: 'list'; name: string; member: () => Shape }
  | { kind: 'map'; name: string; value: () => Shape }
  | { kind: 'simple'; name: string };

/** One API operation: its names and resolved input and output shapes. */
export interface OperationModel {
  service: ServiceInfo;
  /** PascalCase operation name, e.g. `PutImageTagMutability`. */
  name: string;
  input: Shape;
  output: Shape;
  /** The SDK v3 command class (so tests can send it through a mocked client). */
  command: new (input: Record<string, unknown>) => unknown;
}

const require = createRequire(import.meta.url);
const moduleCache = new Map<string, Record<string, unknown>>();

/** The SDK client module of a service (CommonJS build, loaded synchronously). */
export function serviceModule(ssmService: string): Record<string, unknown> {
  const info = serviceInfo(ssmService);
  let mod = moduleCache.get(info.sdkPackage);
  if (!mod) {
    try {
      mod = require(info.sdkPackage) as Record<string, unknown>;
    } catch (error) {
      throw new UnknownServiceError(
        `service '${ssmService}': SDK client ${info.sdkPackage} is not installed (npm install --save-exact ${info.sdkPackage})`,
        { cause: error },
      );
    }
    moduleCache.set(info.sdkPackage, mod);
  }
  return mod;
}

/** The entry of SERVICES for a boto3 service name; throws UnknownServiceError naming what to add. */
export function serviceInfo(ssmService: string): ServiceInfo {
  const info = SERVICES[ssmService];
  if (!info) {
    const known = Object.keys(SERVICES).sort().join(', ');
    throw new UnknownServiceError(
      `unknown service '${ssmService}' (expected a boto3 service name the toolchain knows: ${known}; to add one, install its @aws-sdk/client-* package and add it to SERVICES in automations/sdk-model.ts)`,
    );
  }
  return info;
}

/** All operation names of a service, PascalCase, sorted. */
export function operationNames(ssmService: string): string[] {
  const mod = serviceModule(ssmService);
  const schemas = hasSchemas(mod);
  return Object.keys(mod)
    .filter((key) => key.endsWith('Command') && key !== 'Command' && typeof mod[key] === 'function')
    .map((key) => key.slice(0, -'Command'.length))
    .filter((name) => !schemas || Array.isArray(mod[`${name}$`]))
    .sort();
}

/**
 * False for a client built before schema-based serialisation (no `Xxx$` exports): its
 * operations are known by their command classes only, their shapes are not (`unknown`).
 */
function hasSchemas(mod: Record<string, unknown>): boolean {
  return Object.keys(mod).some((key) => key.endsWith('$') && Array.isArray(mod[key]) && (mod[key] as unknown[])[0] === 9);
}

const UNKNOWN_SHAPE: Shape = { kind: 'simple', name: 'unknown' };

/** The model of one operation, or undefined when the service has no such operation. */
export function findOperation(ssmService: string, api: string): OperationModel | undefined {
  const mod = serviceModule(ssmService);
  const schema = mod[`${api}$`];
  const command = mod[`${api}Command`];
  if (typeof command === 'function' && !hasSchemas(mod)) {
    return { service: serviceInfo(ssmService), name: api, input: UNKNOWN_SHAPE, output: UNKNOWN_SHAPE, command: command as OperationModel['command'] };
  }
  if (!Array.isArray(schema) || schema[0] !== 9 || typeof command !== 'function') return undefined;
  return {
    service: serviceInfo(ssmService),
    name: api,
    input: resolveShape(schema[4]),
    output: resolveShape(schema[5]),
    command: command as OperationModel['command'],
  };
}

/** IAM action for an SSM service + API, e.g. (`ec2`, `CreateVpcEndpoint`) -> `ec2:CreateVpcEndpoint`. */
export function iamAction(ssmService: string, api: string): string {
  const action = `${serviceInfo(ssmService).iamPrefix}:${api}`;
  return IAM_ACTION_OVERRIDES[action] ?? action;
}

/** boto3's method name for an operation (botocore `xform_name`): `DescribeVpcEndpoints` -> `describe_vpc_endpoints`. */
export function snakeCase(operation: string): string {
  return operation
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** Resolves a boto3 method name to the operation's PascalCase name, or undefined. */
export function operationForMethod(ssmService: string, method: string): string | undefined {
  return operationNames(ssmService).find((op) => snakeCase(op) === method);
}

/** Best-effort suggestion for a misspelt name: the candidate with the smallest edit distance. */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 4)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

const LIST_BIT = 64;
const MAP_BIT = 128;

/** Turns one of the SDK's schema encodings (see the file comment) into a `Shape`. */
export function resolveShape(schema: unknown): Shape {
  let s = schema;
  // Unwrap thunks and member tuples `[schema, traits]`.
  for (;;) {
    if (typeof s === 'function') s = (s as () => unknown)();
    else if (Array.isArray(s) && s.length === 2) s = s[0];
    else break;
  }
  if (typeof s === 'number') {
    if (s & LIST_BIT) return { kind: 'list', name: 'list', member: () => ({ kind: 'simple', name: 'simple' }) };
    if (s & MAP_BIT) return { kind: 'map', name: 'map', value: () => ({ kind: 'simple', name: 'simple' }) };
    return { kind: 'simple', name: 'simple' };
  }
  if (typeof s === 'string') return { kind: 'simple', name: s }; // e.g. the unit shape
  if (!Array.isArray(s)) return { kind: 'simple', name: 'unknown' };
  const [kind, , name] = s as [number, string, string];
  switch (kind) {
    case 3:
    case -3: {
      const names = (s[4] ?? []) as string[];
      const schemas = (s[5] ?? []) as unknown[];
      const requiredCount = typeof s[6] === 'number' ? s[6] : 0;
      const members = new Map<string, () => Shape>();
      names.forEach((member, i) => members.set(member, () => resolveShape(schemas[i])));
      return { kind: 'structure', name, members, required: new Set(names.slice(0, requiredCount)) };
    }
    case 1:
      return { kind: 'list', name, member: () => resolveShape(s[4]) };
    case 2:
      return { kind: 'map', name, value: () => resolveShape(s[5]) };
    case 0:
      return resolveShape(s[4]);
    default:
      return { kind: 'simple', name };
  }
}
