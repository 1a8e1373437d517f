/**
 * What every check shares: the problem record and its one-line format, the document being
 * checked (`Context`), and small helpers.
 */
import type { AutomationDocument, Step } from '../document.js';

/** One validation finding. */
export interface Problem {
  /** Display path, e.g. `automations/EnableEcrTagImmutability.yaml`. */
  file: string;
  /** Where in the document: a step, a parameter, or the document itself. */
  where?: { step: string } | { parameter: string };
  /** Dotted field path inside that place, e.g. `inputs.Api`. */
  field?: string;
  /** What is wrong, with what was expected. */
  message: string;
}

/** `file: step 'X': field 'Y': message`, the one-line form the CLI and tests print. */
export function formatProblem(p: Problem): string {
  const parts = [p.file];
  if (p.where && 'step' in p.where) parts.push(`step '${p.where.step}'`);
  if (p.where && 'parameter' in p.where) parts.push(`parameter '${p.where.parameter}'`);
  if (p.field) parts.push(`field '${p.field}'`);
  return `${parts.join(': ')}: ${p.message}`;
}

/** The document being validated, its well-formed steps, and the problems found so far. */
export interface Context {
  file: string;
  doc: AutomationDocument;
  steps: Step[];
  problems: Problem[];
}

/** Records a problem of one step's field. */
export function stepProblem(ctx: Context, step: string, field: string, message: string): void {
  ctx.problems.push({ file: ctx.file, where: { step }, field, message });
}

/** A YAML mapping (not null, not a list). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
