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

/** Lambda environment variable naming the evaluation role the kernel assumes in member accounts. */
export const EVALUATION_ROLE_ENV = 'EVALUATION_ROLE_NAME';

/** Lambda environment variable with the function's configured timeout (seconds): the kernel sizes its reporting reserve from it. */
export const RULE_TIMEOUT_ENV = 'RULE_TIMEOUT_SECONDS';

/**
 * An AWS region name in any partition: `eu-west-3`, `us-gov-west-1`, `cn-north-1`,
 * `us-iso-east-1`, `us-isob-east-1`, `eu-isoe-west-1` (the region expressions of the SDK's
 * partition data, folded into one). A JSON-schema `pattern` string, and the same as a RegExp.
 */
export const REGION_PATTERN = '^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]+$';
export const REGION_REGEXP = new RegExp(REGION_PATTERN);

/** Prefix of the central Lambdas in the admin account: `EcrGuardrails-<rule-id>`. */
export const FUNCTION_PREFIX = 'EcrGuardrails-';
/** Prefix of the Config rules in member accounts: `ecr-guardrails-<rule-id>`. */
export const CONFIG_RULE_PREFIX = 'ecr-guardrails-';
/** The detection Lambda in the admin account (every region). */
export const DETECTION_FUNCTION_NAME = 'EcrGuardrails-Detections';
/** The dead-letter queue of the admin stack (every region): events the Lambdas failed to process after their retries. */
export const RULE_FAILURES_QUEUE_NAME = 'EcrGuardrails-RuleFailures';
