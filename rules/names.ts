/**
 * Names that the deployment (infra/) and the CLI must agree on. Deterministic so that the
 * central rule Lambdas, the member StackSet and `ecr-guardrails scan --org` find each other.
 */
/** The read-only role in each member account that the central rule Lambdas and `scan --org` assume. */
export const EVALUATION_ROLE_NAME = 'EcrGuardrailsEvaluationRole';
/** The role SSM Automation assumes to run the runbooks in each member account. */
export const AUTOMATION_ROLE_NAME = 'EcrGuardrailsAutomationRole';
/** Prefix of the SSM documents: `EcrGuardrails-<VerbNoun>`. */
export const DOCUMENT_PREFIX = 'EcrGuardrails-';
