import { ConfigServiceClient, PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ANNOTATION_LIMIT, configAnnotation, putEvaluations } from '../../../rules/kernel/config-sink.js';
import { silentLogger } from '../../../rules/kernel/logger.js';

const config = mockClient(ConfigServiceClient);
beforeEach(() => {
  config.reset();
  config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
});

describe('annotations', () => {
  it('keeps an annotation of exactly 256 characters as it is', () => {
    const text = 'x'.repeat(ANNOTATION_LIMIT);
    expect(configAnnotation(text)).toBe(text);
  });

  it('cuts a longer one to 256 characters with a visible marker, at a word end', () => {
    const text = `missing ecr.dkr interface endpoint; ${'ecr.api does not cover eu-west-3c; '.repeat(10)}`;
    const cut = configAnnotation(text) as string;
    expect(cut).toHaveLength(ANNOTATION_LIMIT);
    expect(cut.endsWith(' [...]')).toBe(true);
    expect(text.startsWith(cut.slice(0, -' [...]'.length).trimEnd())).toBe(true);
  });

  it.each(['', '   '])('omits an empty annotation (%j)', async (annotation) => {
    expect(configAnnotation(annotation)).toBeUndefined();
    await putEvaluations(
      new ConfigServiceClient({}),
      [{ resourceType: 'AWS::ECR::Repository', resourceId: 'a', complianceType: 'COMPLIANT', annotation }],
      { resultToken: 'token', orderingTimestamp: new Date('2026-11-20T09:00:00Z'), logger: silentLogger },
    );
    const sent = config.commandCalls(PutEvaluationsCommand)[0]?.args[0].input.Evaluations?.[0];
    expect(sent).toEqual({ ComplianceResourceType: 'AWS::ECR::Repository', ComplianceResourceId: 'a', ComplianceType: 'COMPLIANT', OrderingTimestamp: new Date('2026-11-20T09:00:00Z') });
    expect(sent).not.toHaveProperty('Annotation');
  });

  it('sends no request for no evaluations', async () => {
    const calls = await putEvaluations(new ConfigServiceClient({}), [], { resultToken: 't', orderingTimestamp: new Date(), logger: silentLogger });
    expect(calls).toBe(0);
    expect(config).not.toHaveReceivedCommand(PutEvaluationsCommand);
  });
});
