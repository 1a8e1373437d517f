/**
 * AWS Config limits checked at synth, so a configuration that every member account's
 * PutConfigRule or PutRemediationConfigurations would refuse fails `cdk synth` with a message
 * naming the configuration key, instead of failing the StackSet in every account:
 * - ConfigRule InputParameters: a JSON string of 1 to 1,024 characters
 *   (https://docs.aws.amazon.com/config/latest/APIReference/API_ConfigRule.html);
 * - a remediation StaticValue: at most 25 values of 1 to 256 characters each
 *   (https://docs.aws.amazon.com/config/latest/APIReference/API_StaticValue.html).
 *
 * And the Systems Manager limit on a document, so a runbook that grew too large fails the
 * synth instead of every member account's regional stack:
 * - CreateDocument / UpdateDocument Content: "The content of the document must not exceed
 *   64KB. This quota also includes the content specified for input parameters at runtime"
 *   (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateDocument.html;
 *   the SDK error MaxDocumentSizeExceeded: "The size limit of a document is 64 KB"). The
 *   member template deploys each document as JSON (`documentFormat: 'JSON'`), so the size
 *   measured is the compact JSON in UTF-8 bytes, against 64 x 1,024 bytes.
 */
import type { Runbook } from '../automations/catalog.js';
import { ConfigurationError } from './config.js';
import { remediationParameters, type RulePlan } from './plan.js';

export const INPUT_PARAMETERS_MAX = 1024;
export const STATIC_VALUE_MAX_LENGTH = 256;
export const STATIC_VALUES_MAX = 25;
/** Systems Manager's limit on a document's content (64 KB, in bytes). */
export const SSM_DOCUMENT_CONTENT_MAX_BYTES = 64 * 1024;

/** The problems of one rule's plan against Config's limits (empty when it fits). */
export function configLimitProblems(r: RulePlan): string[] {
  const problems: string[] = [];
  const input = JSON.stringify(r.inputParameters);
  if (input.length > INPUT_PARAMETERS_MAX) {
    const longest = Object.entries(r.inputParameters).sort(([, a], [, b]) => b.length - a.length)[0];
    problems.push(
      `rules.${r.rule.id}.parameters: the Config rule's InputParameters would be ${input.length} characters, over Config's limit of ${INPUT_PARAMETERS_MAX}` +
        (longest ? ` (the longest is ${longest[0]}, ${longest[1].length} characters: shorten it, e.g. with wildcards)` : ''),
    );
  }
  // The automation role ARN is a CloudFormation token in the StackSet; only literal values are checked here.
  for (const [name, value] of Object.entries(remediationParameters(r.remediation, 'role-arn'))) {
    if (!('StaticValue' in value)) continue;
    const values = value.StaticValue.Values.map(String);
    if (values.length > STATIC_VALUES_MAX) {
      problems.push(`rules.${r.rule.id}: remediation parameter ${name} of ${r.remediation.runbook.name} has ${values.length} values, over Config's limit of ${STATIC_VALUES_MAX}`);
    }
    const tooLong = values.find((v) => v.length > STATIC_VALUE_MAX_LENGTH);
    if (tooLong !== undefined) {
      problems.push(
        `rules.${r.rule.id}: remediation parameter ${name} of ${r.remediation.runbook.name} is ${tooLong.length} characters, over Config's limit of ${STATIC_VALUE_MAX_LENGTH} per value`,
      );
    }
  }
  return problems;
}

/** The size of a runbook's SSM document as the member template deploys it (compact JSON, UTF-8 bytes). */
export const documentContentBytes = (runbook: Runbook): number => Buffer.byteLength(JSON.stringify(runbook.document), 'utf8');

/** The problem of a runbook whose SSM document exceeds Systems Manager's 64 KB (undefined when it fits). */
export function documentLimitProblem(runbook: Runbook): string | undefined {
  const bytes = documentContentBytes(runbook);
  if (bytes <= SSM_DOCUMENT_CONTENT_MAX_BYTES) return undefined;
  return (
    `automations/${runbook.name}.yaml: the SSM document ${runbook.documentName} would be ${bytes} bytes (JSON, scripts inlined), ` +
    `over Systems Manager's limit of ${SSM_DOCUMENT_CONTENT_MAX_BYTES} bytes (64 KB) per document: move code out of the inline scripts or split the runbook`
  );
}

/** Throws a ConfigurationError listing every rule that does not fit Config's limits and every runbook document over Systems Manager's. */
export function checkConfigLimits(rules: readonly RulePlan[], runbooks: readonly Runbook[] = []): void {
  const problems = [...rules.flatMap(configLimitProblems), ...runbooks.flatMap((r) => documentLimitProblem(r) ?? [])];
  if (problems.length) throw new ConfigurationError(`Invalid configuration (AWS Config and Systems Manager limits):\n  - ${problems.join('\n  - ')}`);
}
