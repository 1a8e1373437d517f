/**
 * The JSON schema runbooks are validated against: the Automation (schemaVersion 0.3) schema
 * shipped by AWS in `aws-ssm-document-language-service`, plus the extensions below where it
 * lags behind the service. All extensions live in `extendSchema`, each with its reason.
 */
import { createRequire } from 'node:module';
import { EcrGuardrailsError } from '../rules/kernel/errors.js';

type JsonObject = Record<string, unknown>;

const SCHEMA_MODULE = 'aws-ssm-document-language-service/dist/schema.json';

/** The schema package (a dev dependency) is not installed. */
export class SchemaUnavailableError extends EcrGuardrailsError {}

let cached: JsonObject | undefined;

/** The extended schema (loaded once). Throws SchemaUnavailableError without dev dependencies. */
export function automationSchema(): JsonObject {
  if (!cached) {
    let shipped: JsonObject;
    try {
      shipped = createRequire(import.meta.url)(SCHEMA_MODULE) as JsonObject;
    } catch (error) {
      throw new SchemaUnavailableError(
        `the SSM Automation schema (${SCHEMA_MODULE}) is not installed; install the dev dependencies to validate runbooks`,
        { cause: error },
      );
    }
    cached = extendSchema(structuredClone(shipped));
  }
  return cached;
}

/** Where the shipped schema (aws-ssm-document-language-service 1.0.0) lags behind SSM. */
function extendSchema(schema: JsonObject): JsonObject {
  const step = (schema['properties'] as JsonObject)['mainSteps'] as JsonObject;
  const stepItems = step['items'] as JsonObject;
  const stepProperties = stepItems['properties'] as JsonObject;
  const conditionals = stepItems['allOf'] as JsonObject[];
  const thenFor = (action: string): JsonObject | undefined =>
    conditionals.find((c) => ((c['if'] as JsonObject)['properties'] as JsonObject)['action'] &&
      (((c['if'] as JsonObject)['properties'] as JsonObject)['action'] as JsonObject)['const'] === action)?.['then'] as
      | JsonObject
      | undefined;

  // 1. aws:executeScript runtimes: the schema only knows python3.6/3.7 (both retired by SSM);
  //    the service today runs python3.8 to python3.11 and PowerShell 7.x.
  const script = thenFor('aws:executeScript');
  const runtime = ((script?.['properties'] as JsonObject)['inputs'] as JsonObject)['properties'] as JsonObject;
  runtime['Runtime'] = {
    type: 'string',
    description: 'The runtime language of the script.',
    oneOf: [
      { enum: ['python3.8', 'python3.9', 'python3.10', 'python3.11', 'PowerShell 7.0', 'PowerShell 7.4'] },
      { pattern: '^{{[ ]{0,1}[a-zA-Z_.]+[ ]{0,1}}}$' },
    ],
  };

  // 2. The schema's conditional for aws:waitForAwsResourceProperty is keyed on a misspelt action
  //    ('aws:waitForAwsResourceProperties'), so wait steps were never checked: apply it to the real name.
  const wait = thenFor('aws:waitForAwsResourceProperties');
  if (wait && !thenFor('aws:waitForAwsResourceProperty')) {
    conditionals.push({ if: { properties: { action: { const: 'aws:waitForAwsResourceProperty' } } }, then: wait });
  }

  // 3. Step option `onCancel` (Abort or step:<name>) exists in SSM but not in the schema.
  stepProperties['onCancel'] = { type: 'string', pattern: '^(Abort|step:\\w+)$' };

  // 4. Step outputs: SSM requires Name and Selector; the schema leaves both optional.
  const outputs = (stepProperties['outputs'] as JsonObject)['items'] as JsonObject;
  outputs['required'] = ['Name', 'Selector'];
  outputs['additionalProperties'] = false;

  return schema;
}
