/**
 * One resource the evaluation role cannot read: reported as such, never a reason to abort the
 * other resources. Config has no "insufficient data" result for custom rules, so the Lambda
 * reports it NON_COMPLIANT with an annotation starting "Not readable:" (an audit role locked
 * out is itself a finding); the CLI lists it under "not evaluated" and offers no runbook.
 */
import type { Evaluation } from './types.js';

/** What could not be read, as facts carry it (JSON-serialisable). */
export interface Unreadable {
  /** The IAM action of the call that failed, e.g. `ecr:DescribeImages`. */
  call: string;
  /** The AWS error code, e.g. `AccessDeniedException`. */
  error: string;
  /** The AWS error message (may name the denying policy or KMS key). */
  message: string;
}

/**
 * Errors that concern one resource's permissions or encryption, not the region: a resource
 * policy or KMS key that denies the role. Throttling and server errors are not among them.
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/CommonErrors.html and the ECR
 * operations' errors (KmsException: "the operation failed due to a KMS exception").
 */
const PER_RESOURCE_DENIALS = new Set(['AccessDeniedException', 'AccessDenied', 'KmsException', 'UnauthorizedOperation', 'UnrecognizedClientException']);

/** The failure as `Unreadable` when it is a per-resource denial; undefined for anything else. */
export function unreadableFrom(call: string, error: unknown): Unreadable | undefined {
  const name = error instanceof Error ? error.name : undefined;
  if (name === undefined || !PER_RESOURCE_DENIALS.has(name)) return undefined;
  return { call, error: name, message: (error as Error).message };
}

/** The evaluation reporting an unreadable resource (no runbook: nothing to fix by automation). */
export function notReadableEvaluation(resourceType: string, resourceId: string, unreadable: Unreadable): Evaluation {
  const denied = PER_RESOURCE_DENIALS.has(unreadable.error);
  return {
    resourceType,
    resourceId,
    complianceType: 'NON_COMPLIANT',
    annotation: !denied
      ? `Not readable: ${unreadable.call} returned what cannot be judged (${unreadable.error}): ${unreadable.message}`
      : `Not readable: ${unreadable.call} denied (${unreadable.error}); the evaluation role needs ${unreadable.call} on this resource (check its resource policy or KMS key). ${unreadable.message}`,
    notReadable: unreadable,
  };
}
