import {
  DescribeRepositoriesCommand,
  ECRClient,
  PutImageTagMutabilityCommand,
  RepositoryNotFoundException,
} from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { rule } from '../../rules/ecr-tag-immutability/rule.js';
import { callsTo, InvalidParameterError, mutatingCalls, runAutomation } from '../support/ssm/interpreter.js';
import { repository, ROLE_ARN } from './ecr-fixtures.js';

const ecr = mockClient(ECRClient);
const RUNBOOK = 'EnableEcrTagImmutability';
const NAME = 'team-a/payments-api';

beforeEach(() => ecr.reset());

function describes(...repos: ReturnType<typeof repository>[]): void {
  let chain = ecr.on(DescribeRepositoriesCommand, { repositoryNames: [NAME] });
  for (const repo of repos) chain = chain.resolvesOnce({ repositories: [repo] });
}

describe('EnableEcrTagImmutability', () => {
  it('makes a MUTABLE repository IMMUTABLE and verifies it', async () => {
    describes(repository(NAME), repository(NAME, { imageTagMutability: 'IMMUTABLE' }));
    ecr.on(PutImageTagMutabilityCommand).resolves({ registryId: '111122223333', repositoryName: NAME, imageTagMutability: 'IMMUTABLE' });

    const result = await runAutomation(RUNBOOK, { parameters: { RepositoryName: NAME, AutomationAssumeRole: ROLE_ARN } });

    expect(result.status).toBe('Success');
    expect(result.executedSteps).toEqual(['DescribeRepository', 'ChooseMode', 'CheckImmutable', 'PutImmutable', 'VerifyTagImmutability']);
    expect(result.outputs['DescribeRepository.ModeBefore']).toBe('MUTABLE');
    expect(ecr).toHaveReceivedCommandTimes(PutImageTagMutabilityCommand, 1);
    expect(ecr).toHaveReceivedCommandWith(PutImageTagMutabilityCommand, { repositoryName: NAME, imageTagMutability: 'IMMUTABLE' });
    expect(mutatingCalls(result).map((c) => c.action)).toEqual(['ecr:PutImageTagMutability']);
  });

  it('changes nothing on a repository that is already IMMUTABLE (idempotent)', async () => {
    ecr.on(DescribeRepositoriesCommand).resolves({ repositories: [repository(NAME, { imageTagMutability: 'IMMUTABLE' })] });

    const result = await runAutomation(RUNBOOK, { parameters: { RepositoryName: NAME, AutomationAssumeRole: ROLE_ARN } });

    expect(result.status).toBe('Success');
    expect(result.executedSteps).toEqual(['DescribeRepository', 'ChooseMode', 'CheckImmutable', 'VerifyTagImmutability']);
    expect(mutatingCalls(result)).toEqual([]);
    expect(ecr).not.toHaveReceivedCommand(PutImageTagMutabilityCommand);
  });

  it('turns an IMMUTABLE_WITH_EXCLUSION repository into IMMUTABLE', async () => {
    describes(
      repository(NAME, { imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION', imageTagMutabilityExclusionFilters: [{ filter: 'latest', filterType: 'WILDCARD' }] }),
      repository(NAME, { imageTagMutability: 'IMMUTABLE' }),
    );
    ecr.on(PutImageTagMutabilityCommand).resolves({});

    const result = await runAutomation(RUNBOOK, { parameters: { RepositoryName: NAME, AutomationAssumeRole: ROLE_ARN } });

    expect(result.status).toBe('Success');
    expect(ecr).toHaveReceivedCommandWith(PutImageTagMutabilityCommand, { repositoryName: NAME, imageTagMutability: 'IMMUTABLE' });
  });

  it('sends the exclusion filters with IMMUTABLE_WITH_EXCLUSION (the script reads the repository)', async () => {
    const after = repository(NAME, {
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: [
        { filter: 'dev-*', filterType: 'WILDCARD' },
        { filter: 'latest', filterType: 'WILDCARD' },
      ],
    });
    describes(repository(NAME), repository(NAME), after);
    ecr.on(PutImageTagMutabilityCommand).resolves({});

    const result = await runAutomation(RUNBOOK, {
      parameters: { RepositoryName: NAME, AutomationAssumeRole: ROLE_ARN, Mode: 'IMMUTABLE_WITH_EXCLUSION', ExclusionFilters: ['latest', 'dev-*', 'latest'] },
    });

    expect(result.failureMessage).toBeUndefined();
    expect(result.status).toBe('Success');
    expect(result.executedSteps).toEqual([
      'DescribeRepository',
      'ChooseMode',
      'PlanExclusionFilters',
      'CheckExclusionFilters',
      'PutImmutableWithExclusion',
      'VerifyTagImmutability',
    ]);
    expect(result.outputs['PlanExclusionFilters.UpToDate']).toBe(false);
    expect(ecr).toHaveReceivedCommandWith(PutImageTagMutabilityCommand, {
      repositoryName: NAME,
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: [
        { filter: 'dev-*', filterType: 'WILDCARD' },
        { filter: 'latest', filterType: 'WILDCARD' },
      ],
    });
    expect(callsTo(result, 'DescribeRepositories').map((c) => c.via)).toEqual(['step', 'script', 'script']);
  });

  it('changes nothing when the repository already has the same exclusion filters (idempotent)', async () => {
    ecr.on(DescribeRepositoriesCommand).resolves({
      repositories: [
        repository(NAME, {
          imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
          imageTagMutabilityExclusionFilters: [{ filter: 'latest', filterType: 'WILDCARD' }],
        }),
      ],
    });

    const result = await runAutomation(RUNBOOK, {
      parameters: { RepositoryName: NAME, AutomationAssumeRole: ROLE_ARN, Mode: 'IMMUTABLE_WITH_EXCLUSION', ExclusionFilters: ['latest'] },
    });

    expect(result.status).toBe('Success');
    expect(result.outputs['PlanExclusionFilters.UpToDate']).toBe(true);
    expect(mutatingCalls(result)).toEqual([]);
  });

  it('fails IMMUTABLE_WITH_EXCLUSION without filters, before any write', async () => {
    ecr.on(DescribeRepositoriesCommand).resolves({ repositories: [repository(NAME)] });

    const result = await runAutomation(RUNBOOK, {
      parameters: { RepositoryName: NAME, AutomationAssumeRole: ROLE_ARN, Mode: 'IMMUTABLE_WITH_EXCLUSION' },
    });

    expect(result.status).toBe('Failed');
    expect(result.failureMessage).toMatch(/^PlanExclusionFilters: script failed: ValueError: IMMUTABLE_WITH_EXCLUSION needs at least one ExclusionFilters entry/);
    expect(mutatingCalls(result)).toEqual([]);
  });

  it('fails without writing when the repository does not exist', async () => {
    ecr.on(DescribeRepositoriesCommand).rejects(
      new RepositoryNotFoundException({ message: `The repository with name '${NAME}' does not exist in the registry with id '111122223333'`, $metadata: {} }),
    );

    const result = await runAutomation(RUNBOOK, { parameters: { RepositoryName: NAME, AutomationAssumeRole: ROLE_ARN } });

    expect(result.status).toBe('Failed');
    expect(result.executedSteps).toEqual(['DescribeRepository']);
    expect(result.failureMessage).toMatch(/^DescribeRepository: RepositoryNotFoundException: The repository with name/);
    expect(mutatingCalls(result)).toEqual([]);
  });

  it('fails the verification when the repository reports other exclusion filters than asked for (more tags stay mutable)', async () => {
    // The mode is right but a filter `*` would leave every tag mutable: the rule would not agree.
    const after = repository(NAME, { imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION', imageTagMutabilityExclusionFilters: [{ filter: '*', filterType: 'WILDCARD' }] });
    describes(repository(NAME), repository(NAME), after);
    ecr.on(PutImageTagMutabilityCommand).resolves({});

    const result = await runAutomation(RUNBOOK, {
      parameters: { RepositoryName: NAME, AutomationAssumeRole: ROLE_ARN, Mode: 'IMMUTABLE_WITH_EXCLUSION', ExclusionFilters: ['latest'] },
    });

    expect(result.status).toBe('Failed');
    expect(result.failureMessage).toBe(`VerifyTagImmutability: script failed: ValueError: Not fixed: ${NAME} excludes * from immutability, not exactly latest`);
  });

  it('fails the verification when the repository still reports MUTABLE after the write', async () => {
    describes(repository(NAME), repository(NAME));
    ecr.on(PutImageTagMutabilityCommand).resolves({});

    const result = await runAutomation(RUNBOOK, { parameters: { RepositoryName: NAME, AutomationAssumeRole: ROLE_ARN } });

    expect(result.status).toBe('Failed');
    expect(result.failureMessage).toBe(`VerifyTagImmutability: script failed: ValueError: Not fixed: ${NAME} reports tag mutability MUTABLE, not IMMUTABLE`);
  });

  it.each([
    [{ RepositoryName: 'Bad Name' }, /RepositoryName/],
    [{ RepositoryName: NAME, Mode: 'MUTABLE' }, /Mode/],
    [{ RepositoryName: NAME, Mode: 'IMMUTABLE_WITH_EXCLUSION', ExclusionFilters: ['a', 'b', 'c', 'd', 'e', 'f'] }, /max 5/],
    [{ RepositoryName: NAME, ExclusionFilters: ['bad/filter'] }, /ExclusionFilters/],
  ])('rejects invalid parameters at start: %j', async (parameters, message) => {
    await expect(runAutomation(RUNBOOK, { parameters: { AutomationAssumeRole: ROLE_ARN, ...parameters } })).rejects.toThrow(InvalidParameterError);
    await expect(runAutomation(RUNBOOK, { parameters: { AutomationAssumeRole: ROLE_ARN, ...parameters } })).rejects.toThrow(message);
  });
});

describe('EnableEcrTagImmutability with the parameters the rule passes', () => {
  it('accepts the comma-separated ExclusionFilters of the Config remediation', async () => {
    const passed = rule.remediations[0].parameters!({ AllowedExclusionFilters: ['latest', 'dev-*'], ExemptionTagKey: 'ecr-guardrails:exempt' });
    describes(
      repository(NAME),
      repository(NAME),
      repository(NAME, { imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION', imageTagMutabilityExclusionFilters: [{ filter: 'dev-*', filterType: 'WILDCARD' }, { filter: 'latest', filterType: 'WILDCARD' }] }),
    );
    ecr.on(PutImageTagMutabilityCommand).resolves({});

    // Config passes each value as a one-item list for a StringList parameter.
    const result = await runAutomation(RUNBOOK, {
      parameters: { RepositoryName: NAME, AutomationAssumeRole: ROLE_ARN, Mode: passed['Mode'], ExclusionFilters: [passed['ExclusionFilters']] },
    });

    expect(result.status).toBe('Success');
    expect(ecr).toHaveReceivedCommandWith(PutImageTagMutabilityCommand, {
      imageTagMutabilityExclusionFilters: [
        { filter: 'dev-*', filterType: 'WILDCARD' },
        { filter: 'latest', filterType: 'WILDCARD' },
      ],
    });
  });
});
