/**
 * Error classes. Compliance outcomes are values (evaluations), never exceptions; these are
 * for what must fail the invocation loudly so Config shows the rule as failing instead of
 * silently COMPLIANT: bad input, bad parameters, AWS calls that failed after retries.
 */
export class EcrGuardrailsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A rule parameter that does not match the rule's declared schema. */
export class RuleParameterError extends EcrGuardrailsError {}

/** A Lambda event that is not a well-formed AWS Config rule event. */
export class ConfigEventError extends EcrGuardrailsError {}

/** An AWS API call failed after the SDK's retries; `cause` is the AWS error. */
export class AwsCallError extends EcrGuardrailsError {}

/** PutEvaluations kept rejecting some evaluations after retries. */
export class PutEvaluationsError extends EcrGuardrailsError {}

/** Wraps an AWS SDK failure with the operation that failed, keeping the SDK error as `cause`. */
export async function awsCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof EcrGuardrailsError) throw error;
    const name = error instanceof Error ? error.name : 'Error';
    const detail = error instanceof Error ? error.message : String(error);
    throw new AwsCallError(`${operation} failed: ${name}: ${detail}`, { cause: error });
  }
}
