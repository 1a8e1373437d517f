/** Configurations and template helpers shared by the infra tests. */
import { RULES } from '../../rules/index.js';
import { validateConfig, type GuardrailsConfig } from '../../infra/config.js';

export const ADMIN = '111122223333';
export const MANAGEMENT = '999988887777';
export const ORG_ID = 'o-a1b2c3d4e5';
export const OUS = ['ou-ab12-pilot001', 'ou-ab12-workload9'];
export const REGIONS = ['eu-west-3', 'us-east-1'];

/** Raw (unvalidated) configuration: stackset mode, two regions, tag immutability automatic with filters. */
export function rawConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    organizationId: ORG_ID,
    adminAccountId: ADMIN,
    managementAccountId: MANAGEMENT,
    regions: REGIONS,
    organizationalUnitIds: OUS,
    stackSet: { retainStacksOnAccountRemoval: true, maxConcurrentPercentage: 50, failureTolerancePercentage: 5 },
    lambda: { reservedConcurrency: 7, logRetentionDays: 90 },
    detections: { subscriptions: [{ protocol: 'email', endpoint: 'secops@example.com' }, { protocol: 'https', endpoint: 'https://global.sns-api.chatbot.amazonaws.com' }], dedupeWindowSeconds: 600 },
    rules: RULES.some((r) => r.id === 'ecr-tag-immutability')
      ? {
          'ecr-tag-immutability': {
            parameters: { AllowedExclusionFilters: 'latest, dev-*' },
            remediation: { mode: 'automatic', maximumAttempts: 5, retrySeconds: 120 },
          },
        }
      : {},
    ...overrides,
  };
}

export function config(overrides: Record<string, unknown> = {}): GuardrailsConfig {
  return validateConfig(rawConfig(overrides));
}

export type CfnTemplate = { Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; DependsOn?: unknown; Metadata?: unknown }> } & Record<string, unknown>;

export function resourcesOfType(template: CfnTemplate, type: string): [string, Record<string, unknown>][] {
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([id, resource]) => [id, resource.Properties ?? {}]);
}

/** The only resource of a type whose properties match `predicate`. */
export function onlyResource(template: CfnTemplate, type: string, predicate: (props: Record<string, unknown>) => boolean = () => true): [string, Record<string, unknown>] {
  const found = resourcesOfType(template, type).filter(([, props]) => predicate(props));
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0]!;
}

/** Renders `{ Fn::Join: ['', [...]] }` and `{ Ref: 'AWS::Partition' }` into a readable string. */
export function render(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if ('Ref' in v) return `\${${String(v['Ref'])}}`;
    if ('Fn::Join' in v) {
      const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
      return parts.map(render).join(sep);
    }
    if ('Fn::Sub' in v) return String(v['Fn::Sub']);
  }
  return JSON.stringify(value);
}
