import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA, ConfigurationError, keyOf, loadConfig, ruleInputParameters, validateConfig } from '../../infra/config.js';
import { RULES } from '../../rules/index.js';
import { defaultRuleParameters, formatRuleParameters } from '../../rules/kernel/parameters.js';
import type { Rule } from '../../rules/kernel/types.js';
import { rawConfig } from './support.js';

function errorOf(input: unknown, rules?: readonly Rule[]): string {
  try {
    validateConfig(input, 'configuration', rules);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigurationError');
}

const without = (key: string): Record<string, unknown> => {
  const raw = rawConfig();
  delete raw[key];
  return raw;
};

describe('validateConfig', () => {
  it('accepts the example configuration and fills defaults', () => {
    const config = loadConfig('infra/config.example.json');
    expect(config.partition).toBe('aws');
    expect(config.homeRegion).toBe('eu-west-3');
    expect(config.stackSet.callAs).toBe('DELEGATED_ADMIN');
    expect(config.deploymentMode).toBe('stackset');
  });

  it('fills defaults for everything optional', () => {
    const config = validateConfig({ organizationId: 'o-a1b2c3d4e5', adminAccountId: '111122223333', regions: ['eu-west-3'], organizationalUnitIds: ['r-ab12'] });
    expect(config).toMatchObject({
      partition: 'aws',
      homeRegion: 'eu-west-3',
      deploymentMode: 'stackset',
      stackSet: { callAs: 'DELEGATED_ADMIN', retainStacksOnAccountRemoval: false, maxConcurrentPercentage: 25, failureTolerancePercentage: 10, regionConcurrencyType: 'PARALLEL' },
      lambda: { reservedConcurrency: 10, logRetentionDays: 365 },
      rules: {},
    });
    // Timeout and memory are per rule unless the file sets them for all (infra/rule-lambda.ts).
    expect(config.lambda.timeoutSeconds).toBeUndefined();
    expect(config.lambda.memorySizeMb).toBeUndefined();
  });

  it.each([
    ['organizationId', 'organizationId is missing'],
    ['adminAccountId', 'adminAccountId is missing'],
    ['regions', 'regions is missing'],
    ['organizationalUnitIds', 'organizationalUnitIds is missing'],
  ])('names the missing key %s', (key, message) => {
    expect(errorOf(without(key))).toContain(message);
  });

  it.each([
    [{ adminAccountId: '12345' }, 'adminAccountId must match ^[0-9]{12}$'],
    [{ organizationId: 'org-1' }, 'organizationId must match'],
    [{ regions: ['eu-west-3', 'Paris'] }, 'regions[1] must match'],
    [{ regions: [] }, 'regions must NOT have fewer than 1 items'],
    [{ organizationalUnitIds: ['ou-bad'] }, 'organizationalUnitIds[0] must match'],
    [{ deploymentMode: 'both' }, 'deploymentMode must be one of "stackset", "conformance-pack"'],
    [{ stackSet: { callAs: 'ADMIN' } }, 'stackSet.callAs must be one of "DELEGATED_ADMIN", "SELF"'],
    [{ stackSet: { maxConcurrentPercentage: 0 } }, 'stackSet.maxConcurrentPercentage must be >= 1'],
    [{ lambda: { logRetentionDays: 10 } }, 'lambda.logRetentionDays must be one of'],
    [{ lambda: { memory: 512 } }, 'lambda.memory is not a known setting'],
    [{ homeRegion: 'eu-central-1' }, 'homeRegion eu-central-1 must be one of regions (eu-west-3, us-east-1)'],
    [{ regoins: ['eu-west-3'] }, 'regoins is not a known setting'],
    [{ regions: ['eu-west-3', 'cn-north-1'] }, 'regions[1] cn-north-1 is in partition aws-cn, not the configured partition aws'],
    [{ partition: 'aws-us-gov', regions: ['us-gov-west-1', 'us-east-1'] }, 'regions[1] us-east-1 is in partition aws, not the configured partition aws-us-gov'],
    [{ regions: ['us-iso-east-1'] }, 'regions[0] us-iso-east-1 is in partition aws-iso, not the configured partition aws'],
  ])('rejects %j with a message naming the key', (overrides, message) => {
    expect(errorOf(rawConfig(overrides))).toContain(message);
  });

  describe('scanPrincipalArns', () => {
    const sso = 'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_SecurityAudit_*';

    it('is absent by default', () => {
      expect(validateConfig(rawConfig())).not.toHaveProperty('scanPrincipalArns');
    });

    it('accepts IAM role ARNs with wildcards in the role path and name', () => {
      const arns = [sso, 'arn:aws:iam::444455556666:role/SecurityScanner', 'arn:aws:iam::444455556666:role/team/scan-*'];
      expect(validateConfig(rawConfig({ scanPrincipalArns: arns })).scanPrincipalArns).toEqual(arns);
      const gov = 'arn:aws-us-gov:iam::111122223333:role/Scanner';
      expect(validateConfig(rawConfig({ partition: 'aws-us-gov', regions: ['us-gov-west-1'], scanPrincipalArns: [gov] })).scanPrincipalArns).toEqual([gov]);
    });

    it.each([
      ['arn:aws:iam::*:role/Scanner', 'wildcard account'],
      ['arn:aws:iam::1111222233:role/Scanner', 'short account'],
      ['arn:*:iam::111122223333:role/Scanner', 'wildcard partition'],
      ['arn:aws:iam::111122223333:user/alice', 'an IAM user'],
      ['arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_SecurityAudit_0123456789abcdef/alice', 'an STS session'],
      ['arn:aws:iam::111122223333:role/', 'no role name'],
      ['arn:aws:iam::111122223333:root', 'an account'],
      ['*', 'everyone'],
    ])('rejects %s (%s), naming the key and index', (arn) => {
      expect(errorOf(rawConfig({ scanPrincipalArns: [sso, arn] }))).toContain('scanPrincipalArns[1] must match ^arn:(aws|aws-cn|aws-us-gov):iam::[0-9]{12}:role/');
    });

    it('rejects an empty or repeating list', () => {
      expect(errorOf(rawConfig({ scanPrincipalArns: [] }))).toContain('scanPrincipalArns must NOT have fewer than 1 items');
      expect(errorOf(rawConfig({ scanPrincipalArns: ['arn:aws:iam::111122223333:role/*'] }))).toContain(
        'scanPrincipalArns[0] names no role (arn:aws:iam::111122223333:role/*): a wildcard-only role name would trust every role of that account',
      );
      expect(errorOf(rawConfig({ scanPrincipalArns: ['arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/*/**'] }))).toContain('scanPrincipalArns[0] names no role');
      expect(errorOf(rawConfig({ scanPrincipalArns: [sso, sso] }))).toContain('scanPrincipalArns must NOT have duplicate items');
      expect(errorOf(rawConfig({ scanPrincipalArns: sso }))).toContain('scanPrincipalArns must be array');
    });

    it('rejects an ARN of another partition than the configured one', () => {
      expect(errorOf(rawConfig({ scanPrincipalArns: [sso, 'arn:aws-cn:iam::111122223333:role/Scanner'] }))).toContain(
        'scanPrincipalArns[1] is in partition aws-cn, not the configured partition aws',
      );
    });
  });

  describe('securityHub', () => {
    it('is off by default, with the custom action on and no automatic control once enabled', () => {
      expect(validateConfig(rawConfig()).securityHub).toEqual({ enabled: false, customAction: true, automaticControls: [], pollSeconds: 60, maxWaitMinutes: 120 });
    });

    it('accepts automatic remediation of the controls the rules map to, for listed accounts', () => {
      const hub = validateConfig(rawConfig({ securityHub: { enabled: true, automaticControls: ['EC2.55', 'ECR.3'], automaticAccounts: ['444455556666'] } })).securityHub;
      expect(hub).toMatchObject({ enabled: true, automaticControls: ['EC2.55', 'ECR.3'], automaticAccounts: ['444455556666'] });
    });

    it.each([
      [{ automaticControls: ['S3.1'] }, 'securityHub.automaticControls[0] must be one of "EC2.55", "EC2.56", "ECR.1", "ECR.2", "ECR.3"'],
      [{ enabled: false, automaticControls: ['ECR.2'] }, 'securityHub.automaticControls and securityHub.automaticAccounts need securityHub.enabled: true'],
      [{ enabled: true, automaticAccounts: ['4444'] }, 'securityHub.automaticAccounts[0] must match ^[0-9]{12}$'],
      [{ enabled: true, automaticAccounts: [] }, 'securityHub.automaticAccounts must NOT have fewer than 1 items'],
      [{ enabled: true, pollSeconds: 5 }, 'securityHub.pollSeconds must be >= 10'],
      [{ enabled: true, autoRemediate: true }, 'securityHub.autoRemediate is not a known setting'],
    ])('rejects %j', (securityHub, message) => {
      expect(errorOf(rawConfig({ securityHub }))).toContain(message);
    });

    it('refuses an automatic control whose rules only have destructive runbooks', () => {
      const stale = RULES.find((r) => r.id === 'ecr-stale-images')!;
      const onlyDestructive = { ...stale, remediations: stale.remediations.filter((r) => r.destructive) } as Rule;
      expect(errorOf(rawConfig({ rules: {}, securityHub: { enabled: true, automaticControls: ['ECR.3'] } }), [onlyDestructive])).toContain(
        'securityHub.automaticControls[0] ECR.3: no deployed rule fixes it with a non-destructive runbook',
      );
    });
  });

  it('reports every problem at once', () => {
    const message = errorOf(rawConfig({ adminAccountId: 'x', regions: ['nowhere'] }));
    expect(message).toContain('adminAccountId must match');
    expect(message).toContain('regions[0] must match');
  });

  it('rejects a rule id that is not in the registry', () => {
    expect(errorOf(rawConfig({ rules: { 'ecr-nope': {} } }))).toMatch(/rules\.ecr-nope is not a rule of this project; known rules: .*ecr-tag-immutability/);
  });

  it('rejects remediation settings it does not know, naming the key', () => {
    const message = errorOf(rawConfig({ rules: { 'ecr-tag-immutability': { remediation: { mode: 'automatic', maximumAttempts: 99 } } } }));
    expect(message).toContain('rules.ecr-tag-immutability.remediation.maximumAttempts must be <= 25');
    expect(errorOf(rawConfig({ rules: { 'ecr-tag-immutability': { remediation: { mode: 'sometimes' } } } }))).toContain(
      'rules.ecr-tag-immutability.remediation.mode must be one of "manual", "automatic"',
    );
  });

  it('validates rule parameters with the rule kernel, naming the rule', () => {
    const message = errorOf(rawConfig({ rules: { 'ecr-tag-immutability': { parameters: { AllowedExclusionFilters: 'bad filter!' } } } }));
    expect(message).toContain('rules.ecr-tag-immutability.parameters: Invalid parameters for rule ecr-tag-immutability: AllowedExclusionFilters');
    expect(errorOf(rawConfig({ rules: { 'ecr-tag-immutability': { parameters: { Nope: '1' } } } }))).toContain('unknown parameter Nope');
  });

  it('refuses automatic remediation for a rule whose runbooks are all destructive', () => {
    const base = RULES[0]!;
    const destructiveOnly: Rule = { ...base, id: 'destructive-only', remediations: [{ ...base.remediations[0], destructive: true }] };
    const message = errorOf(rawConfig({ rules: { 'destructive-only': { remediation: { mode: 'automatic' } } } }), [destructiveOnly]);
    expect(message).toContain('rules.destructive-only.remediation.mode cannot be automatic');
  });

  it('defaults remediation to manual and drops retry settings that only apply to automatic', () => {
    const config = validateConfig(rawConfig({ rules: { 'ecr-tag-immutability': { remediation: { mode: 'manual' } } } }));
    expect(config.rules['ecr-tag-immutability']!.remediation).toEqual({ mode: 'manual' });
    expect(validateConfig(rawConfig({ rules: { 'ecr-tag-immutability': {} } })).rules['ecr-tag-immutability']!.remediation).toEqual({ mode: 'manual' });
  });

  it('gives every rule all of its parameters as Config strings, defaults filled', () => {
    const config = validateConfig(rawConfig({ rules: {} }));
    for (const rule of RULES) {
      // A rule that judges by organisation gets the deployment's (OrganizationId), unless configured.
      const fromDeployment = 'OrganizationId' in rule.parameters.properties ? { OrganizationId: config.organizationId } : {};
      expect(ruleInputParameters(config, rule).inputParameters).toEqual(formatRuleParameters({ ...defaultRuleParameters(rule.id, rule.parameters), ...fromDeployment }));
    }
  });
});

describe('ecr-repository-access UseAccessAnalyzer through the configuration', () => {
  const accessRule = RULES.find((rule) => rule.id === 'ecr-repository-access')!;

  it('defaults to "false" in the Config rule\'s InputParameters, and a configured true (JSON or Config string) is passed as "true"', () => {
    expect(ruleInputParameters(validateConfig(rawConfig({ rules: {} })), accessRule).inputParameters['UseAccessAnalyzer']).toBe('false');
    for (const value of [true, 'true']) {
      const config = validateConfig(rawConfig({ rules: { 'ecr-repository-access': { parameters: { UseAccessAnalyzer: value } } } }));
      expect(ruleInputParameters(config, accessRule).inputParameters['UseAccessAnalyzer']).toBe('true');
    }
  });

  it('refuses a value that is not a boolean, naming the parameter', () => {
    expect(errorOf(rawConfig({ rules: { 'ecr-repository-access': { parameters: { UseAccessAnalyzer: 'yes please' } } } }))).toContain('UseAccessAnalyzer');
  });
});

describe('loadConfig', () => {
  it('explains how to create a missing configuration file', () => {
    expect(() => loadConfig('does-not-exist.json')).toThrow(/does-not-exist\.json not found\. Copy infra\/config\.example\.json .* -c config=<path>/);
  });

  it('reports JSON syntax errors with the file name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecr-guardrails-config-'));
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{ "regions": [ }');
    expect(() => loadConfig(path)).toThrow(/broken\.json is not valid JSON/);
  });

  it('names the file in validation errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecr-guardrails-config-'));
    const path = join(dir, 'partial.json');
    writeFileSync(path, JSON.stringify({ organizationId: 'o-a1b2c3d4e5' }));
    expect(() => loadConfig(path)).toThrow(/Invalid configuration file .*partial\.json:\n {2}- adminAccountId is missing/);
  });
});

describe('keyOf', () => {
  it.each([
    ['/regions/1', undefined, 'regions[1]'],
    ['/rules/ecr-stale-images/remediation', 'mode', 'rules.ecr-stale-images.remediation.mode'],
    ['', 'adminAccountId', 'adminAccountId'],
    ['', undefined, '(root)'],
  ])('%s + %s -> %s', (path, child, key) => {
    expect(keyOf(path, child)).toBe(key);
  });
});

describe('infra/config.schema.json', () => {
  it('is the schema the app validates with (editors use it for completion)', () => {
    expect(JSON.parse(readFileSync('infra/config.schema.json', 'utf8'))).toEqual(JSON.parse(JSON.stringify(CONFIG_SCHEMA)));
  });
});
