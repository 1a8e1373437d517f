/**
 * Types for SSM Automation documents (schemaVersion 0.3) as this project writes them, and
 * the small helpers every part of the toolchain shares: parsing, `{{ reference }}` scanning.
 */
import { load } from 'js-yaml';

/** Parameter types of schemaVersion 0.3. */
export type ParameterType = 'String' | 'StringList' | 'Boolean' | 'Integer' | 'MapList' | 'StringMap';

/** One entry of `parameters`. */
export interface ParameterDefinition {
  type: ParameterType;
  description?: string;
  default?: unknown;
  allowedValues?: unknown[];
  allowedPattern?: string;
  minItems?: number;
  maxItems?: number;
  displayType?: string;
}

/** One entry of a step's `outputs`. */
export interface StepOutput {
  Name: string;
  Selector: string;
  Type?: ParameterType;
}

/** One entry of `mainSteps`. */
export interface Step {
  name: string;
  action: string;
  description?: string;
  inputs: Record<string, unknown>;
  outputs?: StepOutput[];
  maxAttempts?: number;
  timeoutSeconds?: number | string;
  onFailure?: string;
  onCancel?: string;
  nextStep?: string;
  isEnd?: boolean | string;
  isCritical?: boolean | string;
}

/** A parsed runbook (scripts inlined once loaded by the catalog). */
export interface AutomationDocument {
  schemaVersion: string;
  description?: string;
  assumeRole?: string;
  parameters?: Record<string, ParameterDefinition>;
  mainSteps: Step[];
  outputs?: string[];
}

/** Actions whose inputs name an AWS API call (`Service` + `Api`). */
export const API_ACTIONS = new Set([
  'aws:executeAwsApi',
  'aws:assertAwsResourceProperty',
  'aws:waitForAwsResourceProperty',
]);

/** Automation and system variables SSM substitutes (docs: "Automation system variables"). */
export const AUTOMATION_VARIABLES = [
  'automation:EXECUTION_ID',
  'global:ACCOUNT_ID',
  'global:AWS_PARTITION',
  'global:DATE',
  'global:DATE_TIME',
  'global:REGION',
] as const;

/** Parses YAML text; throws on YAML syntax errors (the schema check reports shape problems). */
export function parseDocument(yaml: string): unknown {
  return load(yaml);
}

const REFERENCE = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Every `{{ name }}` reference inside a value (strings anywhere in nested objects and lists). */
export function references(value: unknown): string[] {
  const found: string[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      for (const match of v.matchAll(REFERENCE)) found.push(match[1] ?? '');
    } else if (Array.isArray(v)) {
      v.forEach(visit);
    } else if (v && typeof v === 'object') {
      Object.values(v).forEach(visit);
    }
  };
  visit(value);
  return found;
}

/** When the whole string is one reference, its name (SSM then keeps the referenced value's type). */
export function soleReference(value: string): string | undefined {
  const match = /^\{\{\s*([^{}]*?)\s*\}\}$/.exec(value);
  return match ? match[1] : undefined;
}

/** Replaces every reference in a string through `lookup` (values joined as SSM does for lists). */
export function substituteString(value: string, lookup: (name: string) => unknown): unknown {
  const sole = soleReference(value);
  if (sole !== undefined) return lookup(sole);
  return value.replace(REFERENCE, (_, name: string) => {
    const v = lookup(name);
    return typeof v === 'string' ? v : JSON.stringify(v);
  });
}

/** True when a YAML boolean-ish field (`isEnd`, `isCritical`) is set to true. */
export function flag(value: boolean | string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  return value === true || String(value).toLowerCase() === 'true';
}
