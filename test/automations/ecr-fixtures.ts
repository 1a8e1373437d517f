/** Realistic ECR responses for runbook tests: the shared fixtures, under the names these tests use. */
import { AUTOMATION_ROLE_NAME } from '../../rules/names.js';
import { MEMBER_ACCOUNT, REGION } from '../support/config-events.js';

export { ecrRepository as repository } from '../support/ecr.js';
export const ACCOUNT = MEMBER_ACCOUNT;
export { REGION };
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/${AUTOMATION_ROLE_NAME}`;
