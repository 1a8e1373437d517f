import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { displayPath, loadRunbooks } from '../../automations/catalog.js';
import type { AutomationDocument, Step } from '../../automations/document.js';
import { formatProblem, validateDocument, validateRunbookText } from '../../automations/validate.js';

const runbooks = loadRunbooks();

describe('every runbook in automations/ is valid', () => {
  it('finds the runbooks on disk', () => {
    expect(runbooks.map((r) => r.name)).toContain('EnableEcrTagImmutability');
  });

  it.each(runbooks.map((r) => [displayPath(r.path), r] as const))('%s', (file, runbook) => {
    expect(validateRunbookText(runbook.yaml, file).map(formatProblem)).toEqual([]);
  });
});

const FILE = 'automations/EnableEcrTagImmutability.yaml';
const original = readFileSync(new URL('../../automations/EnableEcrTagImmutability.yaml', import.meta.url), 'utf8');

/** Validates a broken copy of EnableEcrTagImmutability. */
function broken(breakIt: (doc: AutomationDocument, step: (name: string) => Step) => void): string[] {
  const doc = validateCopy();
  const step = (name: string): Step => {
    const found = doc.mainSteps.find((s) => s.name === name);
    if (!found) throw new Error(`no step ${name}`);
    return found;
  };
  breakIt(doc, step);
  return validateDocument(doc, FILE).map(formatProblem);
}

function validateCopy(): AutomationDocument {
  const runbook = runbooks.find((r) => r.name === 'EnableEcrTagImmutability')!;
  return structuredClone(runbook.document);
}

describe('a broken runbook gives one clear message per problem (file, step, field)', () => {
  it('the unbroken copy is valid', () => {
    expect(broken(() => undefined)).toEqual([]);
    expect(validateRunbookText(original, FILE)).toEqual([]);
  });

  it('typo in Api', () => {
    expect(broken((_, step) => (step('PutImmutable').inputs['Api'] = 'PutImageTagMutabilty'))).toEqual([
      `${FILE}: step 'PutImmutable': field 'inputs.Api': 'PutImageTagMutabilty' is not an operation of service 'ecr' (expected a command of @aws-sdk/client-ecr; did you mean 'PutImageTagMutability'?)`,
    ]);
  });

  it('unknown service', () => {
    expect(broken((_, step) => (step('PutImmutable').inputs['Service'] = 'ecs2'))).toEqual([
      `${FILE}: step 'PutImmutable': field 'inputs.Service': unknown service 'ecs2' (expected a boto3 service name the toolchain knows: accessanalyzer, config, ec2, ecr, inspector2, organizations, route53, route53resolver, ssm, sts; to add one, install its @aws-sdk/client-* package and add it to SERVICES in automations/sdk-model.ts)`,
    ]);
  });

  it('unknown input parameter', () => {
    const problems = broken((_, step) => (step('PutImmutable').inputs['repositoryNme'] = '{{ RepositoryName }}'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      new RegExp(`^${FILE}: step 'PutImmutable': field 'inputs.repositoryNme': is not an input of ecr PutImageTagMutability \\(expected one of repositoryName, .*; did you mean 'repositoryName'\\?\\)$`),
    );
  });

  it('missing required input', () => {
    expect(broken((_, step) => delete step('PutImmutable').inputs['imageTagMutability'])).toEqual([
      `${FILE}: step 'PutImmutable': field 'inputs.imageTagMutability': missing: ecr PutImageTagMutability requires it`,
    ]);
  });

  it('Selector into nothing', () => {
    expect(broken((_, step) => (step('DescribeRepository').outputs![0]!.Selector = '$.repositories[0].tagMutability'))).toEqual([
      `${FILE}: step 'DescribeRepository': field 'outputs[0].Selector': selector '$.repositories[0].tagMutability' selects nothing: $.repositories[0] has no member 'tagMutability' in the ecr DescribeRepositories response (expected one of repositoryArn, registryId, repositoryName, repositoryUri, createdAt, imageTagMutability, imageTagMutabilityExclusionFilters, imageScanningConfiguration, encryptionConfiguration)`,
    ]);
  });

  it('PropertySelector into nothing', () => {
    const asAssertion = (verify: Step) => {
      verify.action = 'aws:assertAwsResourceProperty';
      verify.inputs = { Service: 'ecr', Api: 'DescribeRepositories', repositoryNames: ['{{ RepositoryName }}'], PropertySelector: '$.repository.imageTagMutability', DesiredValues: ['{{ Mode }}'] };
    };
    expect(broken((_, step) => asAssertion(step('VerifyTagImmutability')))).toEqual([
      `${FILE}: step 'VerifyTagImmutability': field 'inputs.PropertySelector': selector '$.repository.imageTagMutability' selects nothing: $ has no member 'repository' in the ecr DescribeRepositories response (expected one of repositories, nextToken)`,
    ]);
  });

  it('reference to an undeclared output', () => {
    expect(broken((_, step) => ((step('CheckImmutable').inputs['Choices'] as Record<string, unknown>[])[0]!['Variable'] = '{{ DescribeRepository.Mode }}'))).toEqual([
      `${FILE}: step 'CheckImmutable': field 'inputs.Choices[0].Variable': '{{ DescribeRepository.Mode }}': step 'DescribeRepository' declares no output 'Mode' (expected one of ModeBefore)`,
    ]);
  });

  it('reference to an output of a step that may not have run', () => {
    expect(broken((_, step) => (step('PutImmutable').inputs['imageTagMutabilityExclusionFilters'] = '{{ PlanExclusionFilters.Filters }}'))).toEqual([
      `${FILE}: step 'PutImmutable': field 'inputs.imageTagMutabilityExclusionFilters': '{{ PlanExclusionFilters.Filters }}': step 'PlanExclusionFilters' has not always succeeded before this step (expected an output of a step on every path to it)`,
    ]);
  });

  it('reference to an unknown parameter', () => {
    expect(broken((_, step) => (step('PutImmutable').inputs['repositoryName'] = '{{ Repository }}'))).toEqual([
      `${FILE}: step 'PutImmutable': field 'inputs.repositoryName': '{{ Repository }}' is not a parameter or automation variable (expected one of RepositoryName, Mode, ExclusionFilters, AutomationAssumeRole or automation:EXECUTION_ID, global:ACCOUNT_ID, global:AWS_PARTITION, global:DATE, global:DATE_TIME, global:REGION)`,
    ]);
  });

  it('missing allowedPattern', () => {
    expect(broken((doc) => delete doc.parameters!['RepositoryName']!.allowedPattern)).toEqual([
      `${FILE}: parameter 'RepositoryName': field 'allowedPattern': missing (expected a regular expression every String parameter value must match)`,
    ]);
  });

  it('missing parameter description', () => {
    expect(broken((doc) => delete doc.parameters!['Mode']!.description)).toEqual([
      `${FILE}: parameter 'Mode': field 'description': missing (expected a sentence saying what the parameter is)`,
    ]);
  });

  it('default outside allowedPattern', () => {
    expect(broken((doc) => (doc.parameters!['ExclusionFilters']!.default = ['no/slash']))).toEqual([
      `${FILE}: parameter 'ExclusionFilters': field 'default': 'no/slash' does not match allowedPattern ^[0-9a-zA-Z._*-]{1,128}(,[0-9a-zA-Z._*-]{1,128}){0,4}$`,
    ]);
  });

  it('bad branch target', () => {
    expect(broken((_, step) => ((step('ChooseMode').inputs['Choices'] as Record<string, unknown>[])[0]!['NextStep'] = 'CheckImmutabel'))).toEqual([
      `${FILE}: step 'ChooseMode': field 'inputs.Choices[0].NextStep': names step 'CheckImmutabel', which does not exist (expected one of DescribeRepository, ChooseMode, CheckImmutable, PutImmutable, PlanExclusionFilters, CheckExclusionFilters, PutImmutableWithExclusion, VerifyTagImmutability; did you mean 'CheckImmutable'?)`,
      // The real CheckImmutable, and PutImmutable behind it, are no longer reachable either.
      `${FILE}: step 'CheckImmutable': field 'name': is unreachable: no nextStep, branch choice, onFailure or preceding step leads to it (expected every step to be reachable from the first)`,
      `${FILE}: step 'PutImmutable': field 'name': is unreachable: no nextStep, branch choice, onFailure or preceding step leads to it (expected every step to be reachable from the first)`,
    ]);
  });

  it('bad nextStep and onFailure targets', () => {
    const problems = broken((_, step) => {
      step('PutImmutable').nextStep = 'Verify';
      step('PutImmutable').onFailure = 'step:Rollback';
    });
    expect(problems).toContain(
      `${FILE}: step 'PutImmutable': field 'nextStep': names step 'Verify', which does not exist (expected one of DescribeRepository, ChooseMode, CheckImmutable, PutImmutable, PlanExclusionFilters, CheckExclusionFilters, PutImmutableWithExclusion, VerifyTagImmutability)`,
    );
    expect(problems).toContain(
      `${FILE}: step 'PutImmutable': field 'onFailure': names step 'Rollback', which does not exist (expected one of DescribeRepository, ChooseMode, CheckImmutable, PutImmutable, PlanExclusionFilters, CheckExclusionFilters, PutImmutableWithExclusion, VerifyTagImmutability)`,
    );
  });

  it('unreachable step', () => {
    expect(
      broken((doc) =>
        doc.mainSteps.push({ name: 'Orphan', action: 'aws:sleep', inputs: { Duration: 'PT1S' } }),
      ),
    ).toEqual([
      `${FILE}: step 'Orphan': field 'name': is unreachable: no nextStep, branch choice, onFailure or preceding step leads to it (expected every step to be reachable from the first)`,
    ]);
  });

  it('wrong assumeRole', () => {
    expect(broken((doc) => (doc.assumeRole = 'arn:aws:iam::111122223333:role/Admin'))).toEqual([
      `${FILE}: field 'assumeRole': is "arn:aws:iam::111122223333:role/Admin" (expected '{{ AutomationAssumeRole }}')`,
    ]);
  });

  it('description outline section missing', () => {
    expect(broken((doc) => (doc.description = doc.description!.replace(/## Controls[\s\S]*$/, '')))).toEqual([
      `${FILE}: field 'description': section '## Controls' is missing (expected the outline ## What it does, ## Inputs, ## Outputs, ## Controls)`,
    ]);
  });

  it('description does not mention a parameter under Inputs', () => {
    expect(broken((doc) => (doc.description = doc.description!.replace('`Mode`', 'the mode')))).toEqual([
      `${FILE}: field 'description': section '## Inputs' does not mention parameter 'Mode'`,
    ]);
  });

  it('script calls an API it does not declare, or declares one it does not call', () => {
    const problems = broken((_, step) => {
      const inputs = step('PlanExclusionFilters').inputs;
      inputs['Script'] = String(inputs['Script']).replace('# iam: ecr:DescribeRepositories', '# iam: ecr:ListImages');
    });
    expect(problems).toEqual([
      `${FILE}: step 'PlanExclusionFilters': field 'inputs.Script': line 29: calls ecr.describe_repositories but does not declare 'ecr:DescribeRepositories' (expected a '# iam: ecr:DescribeRepositories' line)`,
      `${FILE}: step 'PlanExclusionFilters': field 'inputs.Script': '# iam:' declares 'ecr:ListImages' but the script makes no such call (expected only the actions it calls)`,
    ]);
  });

  it('script output not selected from the Payload', () => {
    expect(broken((_, step) => (step('PlanExclusionFilters').outputs![0]!.Selector = '$.Filters'))).toEqual([
      `${FILE}: step 'PlanExclusionFilters': field 'outputs[0].Selector': '$.Filters' does not select from the script's return value (expected '$.Payload.<key>')`,
    ]);
  });

  it('schema: invalid onFailure and unknown step property', () => {
    const problems = broken((_, step) => {
      step('PutImmutable').onFailure = 'Retry';
      (step('PutImmutable') as unknown as Record<string, unknown>)['retries'] = 3;
    });
    expect(problems).toEqual([
      `${FILE}: step 'PutImmutable': schema: unknown property 'retries'`,
      `${FILE}: step 'PutImmutable': field 'onFailure': schema: must match pattern "((^|, )(Abort|Continue|step:\\w+))$"`,
    ]);
  });

  it('schema: unsupported script runtime', () => {
    expect(broken((_, step) => (step('PlanExclusionFilters').inputs['Runtime'] = 'python2.7'))).toEqual([
      `${FILE}: step 'PlanExclusionFilters': field 'inputs.Runtime': schema: does not match any allowed form (must be equal to one of the allowed values (expected one of python3.8, python3.9, python3.10, python3.11, PowerShell 7.0, PowerShell 7.4); must match pattern "^{{[ ]{0,1}[a-zA-Z_.]+[ ]{0,1}}}$")`,
    ]);
  });

  it('branch choice with two operators', () => {
    expect(broken((_, step) => ((step('ChooseMode').inputs['Choices'] as Record<string, unknown>[])[0]!['Contains'] = 'IMM'))).toEqual([
      `${FILE}: step 'ChooseMode': field 'inputs.Choices[0]': has 2 operators (expected exactly one)`,
    ]);
  });

  it('file name that is not VerbNoun', () => {
    expect(validateRunbookText(original, 'automations/enable-ecr-tag-immutability.yaml').map(formatProblem)).toEqual([
      `automations/enable-ecr-tag-immutability.yaml: file name 'enable-ecr-tag-immutability' is not VerbNoun (expected e.g. EnableEcrTagImmutability.yaml)`,
    ]);
  });

  it('YAML syntax error', () => {
    expect(validateRunbookText('schemaVersion: "0.3\nmainSteps: [', FILE).map(formatProblem)[0]).toMatch(new RegExp(`^${FILE}: not valid YAML: `));
  });
});
