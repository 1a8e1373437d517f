import { describe, expect, it } from 'vitest';
import { SchemaUnavailableError } from '../../automations/schema.js';
import { ScriptFileError } from '../../automations/script-files.js';
import { serviceInfo, UnknownServiceError } from '../../automations/sdk-model.js';
import { parseSelector, SelectorSyntaxError } from '../../automations/selector.js';
import { EcrGuardrailsError } from '../../rules/kernel/errors.js';

describe('runbook toolchain errors derive from EcrGuardrailsError', () => {
  it.each([SchemaUnavailableError, ScriptFileError, UnknownServiceError, SelectorSyntaxError])('%o', (ErrorClass) => {
    const cause = new Error('underlying');
    const error = new ErrorClass('message', { cause });
    expect(error).toBeInstanceOf(EcrGuardrailsError);
    expect(error.name).toBe(ErrorClass.name);
    expect(error.cause).toBe(cause);
  });

  it('as thrown by the toolchain', () => {
    expect(() => serviceInfo('ecs2')).toThrow(EcrGuardrailsError);
    expect(() => parseSelector('repositories[0]')).toThrow(EcrGuardrailsError);
  });
});
