/**
 * The deployment configuration: one JSON file (default `ecr-guardrails.config.json` at the
 * project root, or `npx cdk synth -c config=<path>`), validated with ajv against the schema
 * below. Every problem is reported with the key it concerns (`regions[1]`,
 * `rules.ecr-stale-images.remediation.maximumAttempts`, ...) so a bad value fails the synth
 * with a message that says what to change.
 *
 * Rule parameters are validated by the rule kernel itself (`parseRuleParameters`), so the
 * deployment accepts exactly what the Lambda will accept at run time.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EcrGuardrailsError } from '../rules/kernel/errors.js';
import { REGION_PATTERN } from '../rules/names.js';
import { Ajv, type ErrorObject } from 'ajv';
import { RULES } from '../rules/index.js';
import { formatRuleParameters, parseRuleParameters } from '../rules/kernel/parameters.js';
import type { Rule } from '../rules/kernel/types.js';

/** Where the CDK app looks for the configuration when no `-c config=<path>` is given. */
export const DEFAULT_CONFIG_FILE = 'ecr-guardrails.config.json';
/** CDK context key that names the configuration file. */
export const CONFIG_CONTEXT_KEY = 'config';

/** A bad or missing configuration value; the message names the key. */
export class ConfigurationError extends EcrGuardrailsError {}

export type DeploymentMode = 'stackset' | 'conformance-pack';

export type RemediationSettings =
  | { mode: 'manual' }
  | {
      mode: 'automatic';
      /** Config's MaximumAutomaticAttempts (1-25). */
      maximumAttempts: number;
      /** Config's RetryAttemptSeconds (1-2678000): the window in which the attempts are made. */
      retrySeconds: number;
    };

export interface RuleSettings {
  /** Rule parameters as Config would pass them (strings, or JSON values that are coerced). */
  parameters: Record<string, string | number | boolean | string[]>;
  remediation: RemediationSettings;
  /** This rule's Lambda: overrides `lambda.*` and the rule's defaults (infra/rule-lambda.ts). */
  lambda?: Partial<{ timeoutSeconds: number; memorySizeMb: number; reservedConcurrency: number }>;
}

export interface GuardrailsConfig {
  /** AWS Organizations id, `o-...`: the evaluation role only trusts principals of this organization. */
  organizationId: string;
  /** The delegated administrator (audit) account: rule Lambdas and the StackSets live here. */
  adminAccountId: string;
  /**
   * The organization's management account. Needed for the conformance pack: AWS Config takes
   * the remediation role ARN with the management account id and replaces it with each member's
   * id. Defaults to `adminAccountId` when deploying from the management account (`callAs: SELF`).
   */
  managementAccountId?: string;
  partition: 'aws' | 'aws-cn' | 'aws-us-gov';
  /** Regions that get the rules (one admin stack per region, StackSet instances in each). */
  regions: string[];
  /** Region of the StackSet resources and of the global (IAM) member stack. One of `regions`. */
  homeRegion: string;
  /** Organizational units (or the root, `r-...`) whose accounts get the member stacks. */
  organizationalUnitIds: string[];
  /** `stackset`: Config rules in the StackSet; `conformance-pack`: rules only in the generated pack. */
  deploymentMode: DeploymentMode;
  stackSet: {
    /** DELEGATED_ADMIN when deploying from a delegated administrator account, SELF from the management account. */
    callAs: 'DELEGATED_ADMIN' | 'SELF';
    /** Keep (true) or delete (false) an account's stacks when it leaves the target OUs. */
    retainStacksOnAccountRemoval: boolean;
    maxConcurrentPercentage: number;
    failureTolerancePercentage: number;
    regionConcurrencyType: 'PARALLEL' | 'SEQUENTIAL';
  };
  lambda: {
    /** Reserved concurrency of each rule Lambda: bounds cost and blast radius. */
    reservedConcurrency: number;
    /** Every rule's timeout; unset, each rule gets its own default (infra/rule-lambda.ts). */
    timeoutSeconds?: number;
    /** Every rule's memory; unset, each rule gets its own default (infra/rule-lambda.ts). */
    memorySizeMb?: number;
    logRetentionDays: number;
    /** Ship source maps (and NODE_OPTIONS=--enable-source-maps): readable stack traces, bigger bundles, slower cold starts. */
    sourceMaps: boolean;
  };
  /** Per-rule settings; rules left out use their defaults and manual remediation. */
  rules: Record<string, RuleSettings>;
  /**
   * IAM roles (ARNs, `*` allowed in the role path and name) that may assume the member
   * evaluation role for `ecr-guardrails scan --org`, e.g. an IAM Identity Center permission-set
   * role. Absent: only the rule Lambdas may assume it.
   */
  scanPrincipalArns?: string[];
  /** Where detection alerts go, and how long a repeat of the same change is suppressed. */
  detections: DetectionSettings;
  /** The alert topic of each admin region (detection alerts and failure alarms) and the alarms. */
  alerts: AlertSettings;
  /** The Security Hub response: a custom action and optional automatic remediation of control findings (docs/security-hub.md). */
  securityHub: SecurityHubSettings;
}

export interface SecurityHubSettings {
  /** Deploy the response (the admin account must be the Security Hub administrator of the organisation). */
  enabled: boolean;
  /** Create the custom action "ecr-guardrails fix" (Remediate with ecr-guardrails) and its EventBridge rule. */
  customAction: boolean;
  /** Security Hub controls whose new FAILED findings are remediated without a click. */
  automaticControls: string[];
  /** Accounts automatic remediation applies to; absent: every account. */
  automaticAccounts?: string[];
  /** Seconds between two reads of a running automation. */
  pollSeconds: number;
  /** How long the orchestrator follows an automation before noting that it is still running. */
  maxWaitMinutes: number;
}

export interface AlertSettings {
  /** Subscriptions of the alert topic (besides `detections.subscriptions`, which go to the same topic). */
  subscriptions: AlertSubscription[];
  /** The dead-letter queue's oldest-message alarm fires when an event has waited this long (seconds). */
  deadLetterAgeAlarmSeconds: number;
}

/** A subscription of the alert topic: e-mail, an HTTPS webhook (chat integrations), SQS or Lambda. */
export interface AlertSubscription {
  protocol: 'email' | 'https' | 'sqs' | 'lambda';
  endpoint: string;
}

export interface DetectionSettings {
  subscriptions: AlertSubscription[];
  /** Repeats of the same change within this many seconds are one alert (shared DynamoDB table; 0: off, no table). */
  dedupeWindowSeconds: number;
  /** Import each alert into Security Hub in the member account (Security Hub must be enabled there). */
  securityHub: boolean;
}

/** CloudWatch Logs retention values (days) the service accepts. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;


/**
 * An IAM role ARN of one of the supported partitions and a literal account; `*` only after
 * `:role/`, in the role path and name (IAM Identity Center roles carry a generated suffix and
 * sometimes a region in their path, so they are listed with wildcards there).
 */
export const SCAN_PRINCIPAL_ARN_PATTERN = '^arn:(aws|aws-cn|aws-us-gov):iam::[0-9]{12}:role/([A-Za-z0-9+=,.@_*-]+/)*[A-Za-z0-9+=,.@_*-]+$';

const remediationSchema = {
  type: 'object',
  required: ['mode'],
  properties: {
    mode: { enum: ['manual', 'automatic'] },
    maximumAttempts: { type: 'integer', minimum: 1, maximum: 25, default: 3 },
    retrySeconds: { type: 'integer', minimum: 1, maximum: 2678000, default: 600 },
  },
  additionalProperties: false,
} as const;

/** The JSON schema of the configuration file (also published as `infra/config.schema.json`). */
/** Subscriptions of the alert topic (alerts.subscriptions and detections.subscriptions share it). */
const SUBSCRIPTIONS_SCHEMA = {
  type: 'array',
  default: [],
  items: {
    type: 'object',
    properties: {
      protocol: { enum: ['email', 'https', 'sqs', 'lambda'] },
      endpoint: { type: 'string', minLength: 1 },
    },
    required: ['protocol', 'endpoint'],
    additionalProperties: false,
  },
} as const;

export const CONFIG_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'ecr-guardrails deployment configuration',
  type: 'object',
  required: ['organizationId', 'adminAccountId', 'regions', 'organizationalUnitIds'],
  properties: {
    $schema: { type: 'string' },
    organizationId: { type: 'string', pattern: '^o-[a-z0-9]{10,32}$', description: 'AWS Organizations id (o-...).' },
    adminAccountId: { type: 'string', pattern: '^[0-9]{12}$', description: 'Delegated administrator account id.' },
    managementAccountId: {
      type: 'string',
      pattern: '^[0-9]{12}$',
      description: 'Management account id of the organization: the conformance pack names the automation role with it (AWS Config replaces it with each member account id). Defaults to adminAccountId with stackSet.callAs SELF.',
    },
    partition: { enum: ['aws', 'aws-cn', 'aws-us-gov'], default: 'aws' },
    regions: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { type: 'string', pattern: REGION_PATTERN },
    },
    homeRegion: { type: 'string', pattern: REGION_PATTERN },
    organizationalUnitIds: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { type: 'string', pattern: '^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$' },
    },
    deploymentMode: { enum: ['stackset', 'conformance-pack'], default: 'stackset' },
    stackSet: {
      type: 'object',
      default: {},
      properties: {
        callAs: { enum: ['DELEGATED_ADMIN', 'SELF'], default: 'DELEGATED_ADMIN' },
        retainStacksOnAccountRemoval: { type: 'boolean', default: false },
        maxConcurrentPercentage: { type: 'integer', minimum: 1, maximum: 100, default: 25 },
        failureTolerancePercentage: { type: 'integer', minimum: 0, maximum: 100, default: 10 },
        regionConcurrencyType: { enum: ['PARALLEL', 'SEQUENTIAL'], default: 'PARALLEL' },
      },
      additionalProperties: false,
    },
    lambda: {
      type: 'object',
      default: {},
      properties: {
        reservedConcurrency: { type: 'integer', minimum: 1, maximum: 1000, default: 10 },
        timeoutSeconds: { type: 'integer', minimum: 30, maximum: 900, description: 'Every rule Lambda\'s timeout (s); unset: each rule\'s default (ecr-stale-images 900).' },
        memorySizeMb: { type: 'integer', minimum: 128, maximum: 10240, description: 'Every rule Lambda\'s memory (MB); unset: each rule\'s default.' },
        logRetentionDays: { enum: [...LOG_RETENTION_DAYS], default: 365 },
        sourceMaps: { type: 'boolean', default: false },
      },
      additionalProperties: false,
    },
    rules: {
      type: 'object',
      default: {},
      additionalProperties: {
        type: 'object',
        properties: {
          parameters: {
            type: 'object',
            default: {},
            additionalProperties: {
              anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'array', items: { type: 'string' } }],
            },
          },
          remediation: { ...remediationSchema, default: { mode: 'manual' } },
          lambda: {
            type: 'object',
            description: 'This rule\'s Lambda; each setting overrides lambda.* and the rule\'s default.',
            properties: {
              timeoutSeconds: { type: 'integer', minimum: 30, maximum: 900 },
              memorySizeMb: { type: 'integer', minimum: 128, maximum: 10240 },
              reservedConcurrency: { type: 'integer', minimum: 1, maximum: 1000 },
            },
            additionalProperties: false,
          },
        },
        additionalProperties: false,
      },
    },
    detections: {
      type: 'object',
      default: {},
      properties: {
        subscriptions: SUBSCRIPTIONS_SCHEMA,
        dedupeWindowSeconds: {
          type: 'integer',
          minimum: 0,
          maximum: 86400,
          default: 900,
          description: 'Seconds during which a repeat of the same change (detection, account, region, resource, actor) is not alerted again, across every execution environment of the detection Lambda (a DynamoDB table with TTL); 0 turns deduplication off and creates no table.',
        },
        securityHub: { type: 'boolean', default: true },
      },
      additionalProperties: false,
    },
    alerts: {
      type: 'object',
      default: {},
      description: 'The alert topic of each admin region (EcrGuardrails-Alerts): detection alerts and failure alarms (rule Lambda errors and throttles, dead-letter queue).',
      properties: {
        subscriptions: SUBSCRIPTIONS_SCHEMA,
        deadLetterAgeAlarmSeconds: { type: 'integer', minimum: 300, maximum: 1209600, default: 86400 },
      },
      additionalProperties: false,
    },
    securityHub: {
      type: 'object',
      default: {},
      description: 'The Security Hub response (docs/security-hub.md): a custom action that starts the runbook of a finding, and optional automatic remediation per control.',
      properties: {
        enabled: { type: 'boolean', default: false, description: 'Deploy the Security Hub response; the admin account must be the Security Hub administrator account.' },
        customAction: { type: 'boolean', default: true, description: 'Create the custom action "ecr-guardrails fix" (Remediate with ecr-guardrails).' },
        automaticControls: {
          type: 'array',
          default: [],
          uniqueItems: true,
          items: { enum: [...new Set(RULES.flatMap((rule) => rule.controls.securityHub))].sort() },
          description: 'Security Hub controls whose new FAILED findings are remediated automatically (never with a destructive or approval-gated runbook).',
        },
        automaticAccounts: {
          type: 'array',
          minItems: 1,
          uniqueItems: true,
          items: { type: 'string', pattern: '^[0-9]{12}$' },
          description: 'Accounts automatic remediation applies to; absent: every account.',
        },
        pollSeconds: { type: 'integer', minimum: 10, maximum: 3600, default: 60, description: 'Seconds between two reads of a running automation.' },
        maxWaitMinutes: { type: 'integer', minimum: 1, maximum: 1440, default: 120, description: 'How long an automation is followed before the finding notes that it is still running.' },
      },
      additionalProperties: false,
    },
    scanPrincipalArns: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { type: 'string', pattern: SCAN_PRINCIPAL_ARN_PATTERN },
      description:
        'IAM role ARNs (wildcards only in the role path and name) that may assume the member evaluation role for `ecr-guardrails scan --org`, e.g. arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_SecurityAudit_*.',
    },
  },
  additionalProperties: false,
} as const;

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false });
const validateSchema = ajv.compile(CONFIG_SCHEMA);

/** `/rules/ecr-stale-images/remediation/mode` -> `rules.ecr-stale-images.remediation.mode`; `/regions/1` -> `regions[1]`. */
export function keyOf(instancePath: string, child?: string): string {
  const parts = instancePath.split('/').slice(1);
  if (child !== undefined) parts.push(child);
  let key = '';
  for (const raw of parts) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    key += /^[0-9]+$/.test(part) ? `[${part}]` : key === '' ? part : `.${part}`;
  }
  return key || '(root)';
}

function describe(error: ErrorObject): string {
  switch (error.keyword) {
    case 'required':
      return `${keyOf(error.instancePath, String(error.params['missingProperty']))} is missing`;
    case 'additionalProperties':
      return `${keyOf(error.instancePath, String(error.params['additionalProperty']))} is not a known setting`;
    case 'enum':
      return `${keyOf(error.instancePath)} must be one of ${(error.params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'pattern':
      return `${keyOf(error.instancePath)} must match ${String(error.params['pattern'])}`;
    default:
      return `${keyOf(error.instancePath)} ${error.message ?? 'is invalid'}`;
  }
}

/** The partition a region belongs to (`cn-*`: aws-cn, `us-gov-*`: aws-us-gov, `*-iso*`: an isolated partition). */
export function regionPartition(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  const iso = /-(iso[a-z]?)-/.exec(region);
  if (iso) return `aws-${iso[1]}`;
  return 'aws';
}

/**
 * Validates a parsed configuration object, fills defaults and checks what a schema cannot
 * (home region among the regions, rule ids known, rule parameters accepted by the rule,
 * destructive runbooks never automatic). Throws ConfigurationError listing every problem.
 */
export function validateConfig(input: unknown, source = 'configuration', rules: readonly Rule[] = RULES): GuardrailsConfig {
  const data = structuredClone(input) as Record<string, unknown>;
  if (!validateSchema(data)) {
    const problems = [...new Set((validateSchema.errors ?? []).filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'if').map(describe))];
    throw new ConfigurationError(`Invalid ${source}:\n  - ${problems.join('\n  - ')}`);
  }
  const config = data as unknown as GuardrailsConfig;
  config.homeRegion ??= config.regions[0]!;
  const problems: string[] = [];
  // The conformance pack and the trust-policy budget write ARNs with the configured partition
  // (the StackSet templates use AWS::Partition): a region of another partition would give the
  // pack Lambda ARNs that do not exist.
  config.regions.forEach((region, i) => {
    const partition = regionPartition(region);
    if (partition !== config.partition) {
      problems.push(`regions[${i}] ${region} is in partition ${partition}, not the configured partition ${config.partition}`);
    }
  });
  if (config.stackSet.callAs === 'SELF') {
    // Deploying from the management account: it is the admin account.
    if (config.managementAccountId !== undefined && config.managementAccountId !== config.adminAccountId) {
      problems.push(`managementAccountId ${config.managementAccountId} must equal adminAccountId ${config.adminAccountId} with stackSet.callAs SELF (the management account deploys)`);
    }
    config.managementAccountId ??= config.adminAccountId;
  } else if (config.deploymentMode === 'conformance-pack' && config.managementAccountId === undefined) {
    problems.push(
      'managementAccountId is missing: conformance-pack mode names the automation role with the management account id, which AWS Config replaces with each member account id',
    );
  }
  if (!config.regions.includes(config.homeRegion)) {
    problems.push(`homeRegion ${config.homeRegion} must be one of regions (${config.regions.join(', ')})`);
  }
  for (const [id, settings] of Object.entries(config.rules)) {
    const rule = rules.find((r) => r.id === id);
    if (!rule) {
      problems.push(`rules.${id} is not a rule of this project; known rules: ${rules.map((r) => r.id).join(', ')}`);
      continue;
    }
    try {
      parseRuleParameters(rule.id, rule.parameters, settings.parameters);
    } catch (error) {
      problems.push(`rules.${id}.parameters: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (settings.remediation.mode === 'automatic' && !rule.remediations.some((r) => !r.destructive)) {
      problems.push(`rules.${id}.remediation.mode cannot be automatic: every runbook of this rule is destructive (approval-gated); use manual`);
    }
    if (settings.remediation.mode === 'manual' && ('maximumAttempts' in settings.remediation || 'retrySeconds' in settings.remediation)) {
      // Defaults are filled for both modes; they only matter for automatic remediation.
      delete (settings.remediation as Partial<{ maximumAttempts: number; retrySeconds: number }>).maximumAttempts;
      delete (settings.remediation as Partial<{ maximumAttempts: number; retrySeconds: number }>).retrySeconds;
    }
  }
  const hub = config.securityHub;
  if (!hub.enabled && (hub.automaticControls.length > 0 || hub.automaticAccounts)) {
    problems.push('securityHub.automaticControls and securityHub.automaticAccounts need securityHub.enabled: true');
  }
  hub.automaticControls.forEach((control, i) => {
    if (!rules.some((rule) => rule.controls.securityHub.includes(control) && rule.remediations.some((r) => !r.destructive))) {
      problems.push(`securityHub.automaticControls[${i}] ${control}: no deployed rule fixes it with a non-destructive runbook`);
    }
  });
  (config.scanPrincipalArns ?? []).forEach((arn, i) => {
    const partition = arn.split(':')[1];
    if (partition !== config.partition) problems.push(`scanPrincipalArns[${i}] is in partition ${partition}, not the configured partition ${config.partition}`);
    // The role name must name something: `role/*` would trust every role of that account.
    const roleName = arn.slice(arn.indexOf(':role/') + ':role/'.length).split('/').pop() ?? '';
    if (!/[^*]/.test(roleName)) problems.push(`scanPrincipalArns[${i}] names no role (${arn}): a wildcard-only role name would trust every role of that account; name the role, e.g. .../AWSReservedSSO_SecurityAudit_*`);
  });
  if (problems.length) throw new ConfigurationError(`Invalid ${source}:\n  - ${problems.join('\n  - ')}`);
  return config;
}

/** Reads and validates the configuration file. */
export function loadConfig(path: string): GuardrailsConfig {
  const absolute = resolve(path);
  if (!existsSync(absolute)) {
    throw new ConfigurationError(
      `Configuration file ${path} not found. Copy infra/config.example.json to ${DEFAULT_CONFIG_FILE} and edit it, ` +
        `or name another file with: npx cdk synth -c ${CONFIG_CONTEXT_KEY}=<path>.`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(absolute, 'utf8'));
  } catch (error) {
    throw new ConfigurationError(`Configuration file ${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return validateConfig(parsed, `configuration file ${path}`);
}

/** Settings of one rule with defaults (rules not named in the file get manual remediation). */
export function ruleSettings(config: GuardrailsConfig, ruleId: string): RuleSettings {
  return config.rules[ruleId] ?? { parameters: {}, remediation: { mode: 'manual' } };
}

/** The rule's Config InputParameters: every parameter, defaults filled, as Config strings. */
export function ruleInputParameters(config: GuardrailsConfig, rule: Rule): { params: unknown; inputParameters: Record<string, string> } {
  const given = ruleSettings(config, rule.id).parameters;
  // A rule that judges access by organisation gets the deployment's organisation unless configured otherwise.
  const fromDeployment = 'OrganizationId' in rule.parameters.properties && given?.['OrganizationId'] === undefined ? { OrganizationId: config.organizationId } : {};
  const params = parseRuleParameters<Record<string, unknown>>(rule.id, rule.parameters, { ...fromDeployment, ...given });
  return { params, inputParameters: formatRuleParameters(params) };
}
