import { EcrGuardrailsError } from '../rules/kernel/errors.js';

/** A problem with how the command was called (exit status 2, one line on stderr). */
export class UsageError extends EcrGuardrailsError {}

/** A snapshot file that cannot be used. */
export class SnapshotError extends EcrGuardrailsError {}
