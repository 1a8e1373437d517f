/**
 * IAM Access Analyzer CheckNoPublicAccess per repository policy (UseAccessAnalyzer=true): one
 * call per repository with a policy, made with the rule's client (default configuration,
 * adaptive retries). Every failure becomes an `unreadable` answer for that repository (the
 * evaluator reports it "Not readable:" unless a finding already stands), never an exception: the
 * simulation's verdicts of the region must not be lost because the second opinion is missing.
 *
 * A failure that is not about one policy (the service not offered in the region, throttling left
 * after the SDK's retries, the resource type refused) would fail the same way for every
 * repository: after the first one, the rest of the scope reuses it instead of calling again.
 * https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_CheckNoPublicAccess.html
 */
import { AccessAnalyzerClient, CheckNoPublicAccessCommand, type AccessCheckResourceType } from '@aws-sdk/client-accessanalyzer';
import type { CollectContext } from '../kernel/types.js';
import { CHECK_NO_PUBLIC_ACCESS, type AccessAnalyzerCheck } from './access-analyzer.js';
import { RESOURCE_TYPE } from './evaluate.js';

/**
 * Errors about the policy itself (CheckNoPublicAccess's documented errors): answered per
 * repository. Anything else (AccessDenied, throttling, endpoint or network errors, an
 * unsupported resource type) is taken to fail alike for every repository of the scope.
 */
const PER_POLICY_ERRORS = new Set(['InvalidParameterException', 'UnprocessableEntityException']);

/** The Access Analyzer checker of one collection scope. */
export function accessAnalyzerChecker(ctx: CollectContext<unknown>): (policyText: string) => Promise<AccessAnalyzerCheck> {
  let scopeFailure: AccessAnalyzerCheck | undefined;
  return async (policyText) => {
    if (scopeFailure) return scopeFailure;
    try {
      const response = await ctx.clients.get(AccessAnalyzerClient).send(
        // The SDK's AccessCheckResourceType does not list AWS::ECR::Repository (3.1080.0); the
        // request carries it as a string and the service decides.
        new CheckNoPublicAccessCommand({ policyDocument: policyText, resourceType: RESOURCE_TYPE as AccessCheckResourceType }),
      );
      if (response.result !== 'PASS' && response.result !== 'FAIL') {
        return { unreadable: { call: CHECK_NO_PUBLIC_ACCESS, error: 'UnexpectedResult', message: `result ${String(response.result)}` } };
      }
      return {
        result: response.result,
        reasons: (response.reasons ?? []).map((reason) => ({
          description: reason.description ?? '',
          ...(reason.statementId !== undefined ? { statementId: reason.statementId } : {}),
          ...(reason.statementIndex !== undefined ? { statementIndex: reason.statementIndex } : {}),
        })),
        ...(response.message ? { message: response.message } : {}),
      };
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      const check: AccessAnalyzerCheck = { unreadable: { call: CHECK_NO_PUBLIC_ACCESS, error: name, message: error instanceof Error ? error.message : String(error) } };
      if (!PER_POLICY_ERRORS.has(name)) scopeFailure = check;
      return check;
    }
  };
}
