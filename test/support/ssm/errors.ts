/** Errors of the test SSM interpreter. */
import { EcrGuardrailsError } from '../../../rules/kernel/errors.js';

/** A problem with the test setup (not a runbook failure): thrown, never reported as a status. */
export class InterpreterError extends EcrGuardrailsError {}

/** Parameters rejected at start, as StartAutomationExecution would reject them. */
export class InvalidParameterError extends InterpreterError {}

/** A step failed: the execution reports it as the step's and the run's failure message. */
export class StepFailure extends EcrGuardrailsError {}
