/**
 * Runbook validator: the SSM Automation schema (see `schema.ts`) plus the project's rules
 * (DESIGN.md "Runbooks"). Used by the tests (one test per document) and by
 * `ecr-guardrails runbooks --check`.
 *
 * Every problem names the file, the step (or parameter) and the field:
 *   automations/File.yaml: step 'StepName': field 'X': what is wrong (expected ...)
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { defaultRunbookDir, displayPath, runbookFiles, scriptDirs } from './catalog.js';
import {
  API_ACTIONS,
  AUTOMATION_VARIABLES,
  flag,
  parseDocument,
  references,
  soleReference,
  type AutomationDocument,
  type ParameterDefinition,
  type Step,
} from './document.js';
import { actionOfCall, declaredScriptActions, scriptBoto3Calls } from './scripts.js';
import { automationSchema } from './schema.js';
import { inlineScripts } from './script-files.js';
import { parseSelector, type Token } from './selector.js';
import {
  closest,
  findOperation,
  iamAction,
  operationNames,
  serviceInfo,
  type Shape,
  UnknownServiceError,
} from './sdk-model.js';

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

export function formatProblem(p: Problem): string {
  const parts = [p.file];
  if (p.where && 'step' in p.where) parts.push(`step '${p.where.step}'`);
  if (p.where && 'parameter' in p.where) parts.push(`parameter '${p.where.parameter}'`);
  if (p.field) parts.push(`field '${p.field}'`);
  return `${parts.join(': ')}: ${p.message}`;
}

/** The fixed outline of a runbook description (DESIGN.md): headings in this order. */
export const DESCRIPTION_OUTLINE = ['## What it does', '## Inputs', '## Outputs', '## Controls'] as const;

export const ASSUME_ROLE = '{{ AutomationAssumeRole }}';

/** Predefined outputs of actions (usable as `{{ Step.Name }}` without an `outputs` entry). */
const BUILTIN_OUTPUTS: Readonly<Record<string, readonly string[]>> = {
  'aws:executeScript': ['OutputPayload'],
  'aws:approve': ['ApprovalStatus', 'ApproverDecisions', 'Approvers'],
  'aws:executeAutomation': ['Output', 'ExecutionId', 'Status'],
};

/** Inputs of API actions that are not API parameters. */
const NON_API_INPUTS = new Set(['Service', 'Api', 'PropertySelector', 'DesiredValues']);

const BRANCH_OPERATORS = new Set([
  'StringEquals',
  'EqualsIgnoreCase',
  'StartsWith',
  'EndsWith',
  'Contains',
  'NumericEquals',
  'NumericGreater',
  'NumericLesser',
  'NumericGreaterOrEquals',
  'NumericLesserOrEquals',
  'BooleanEquals',
]);

const VERB_NOUN = /^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+$/;

/** Validates every runbook file of a folder; returns all problems (empty when all is well). */
export function validateRunbooks(dir?: string): Problem[] {
  return runbookFiles(dir).flatMap((path) => validateRunbookText(readFileSync(path, 'utf8'), displayPath(path), scriptDirs(path)));
}

/**
 * Validates one document's text. `file` is the display path used in messages and decides the
 * runbook name (`automations/EnableEcrTagImmutability.yaml` -> `EnableEcrTagImmutability`).
 * Script references (`Script: {file: ...}`) resolve against `scriptFolders` (default: the
 * project's `automations/`); while one does not resolve, only those problems are reported.
 */
export function validateRunbookText(yaml: string, file: string, scriptFolders: readonly string[] = [defaultRunbookDir()]): Problem[] {
  let parsed: unknown;
  try {
    parsed = parseDocument(yaml);
  } catch (error) {
    return [{ file, message: `not valid YAML: ${error instanceof Error ? error.message : String(error)}` }];
  }
  const unresolved = inlineScripts(parsed, scriptFolders);
  if (unresolved.length) {
    return unresolved.map(({ step, message }) => ({ file, where: { step }, field: 'inputs.Script', message }));
  }
  return validateDocument(parsed, file);
}

/** Validates a parsed document. */
export function validateDocument(parsed: unknown, file: string): Problem[] {
  const problems: Problem[] = [];
  const name = basename(file).replace(/\.ya?ml$/, '');
  if (!VERB_NOUN.test(name)) {
    problems.push({ file, message: `file name '${name}' is not VerbNoun (expected e.g. EnableEcrTagImmutability.yaml)` });
  }
  problems.push(...schemaProblems(parsed, file));
  if (!isObject(parsed) || !Array.isArray(parsed['mainSteps'])) return problems;
  const doc = parsed as unknown as AutomationDocument;
  const steps = doc.mainSteps.filter((s): s is Step => isObject(s) && typeof s.name === 'string');
  const ctx: Context = { file, doc, steps, problems };
  checkAssumeRole(ctx);
  checkParameters(ctx);
  checkDescription(ctx);
  checkStepNames(ctx);
  checkFlow(ctx);
  checkReferences(ctx);
  for (const step of steps) {
    if (API_ACTIONS.has(step.action)) checkApiStep(ctx, step);
    if (step.action === 'aws:executeScript') checkScriptStep(ctx, step);
    if (step.action === 'aws:branch') checkBranchStep(ctx, step);
  }
  return problems;
}

interface Context {
  file: string;
  doc: AutomationDocument;
  steps: Step[];
  problems: Problem[];
}

function stepProblem(ctx: Context, step: string, field: string, message: string): void {
  ctx.problems.push({ file: ctx.file, where: { step }, field, message });
}

// ---------------------------------------------------------------------------------------------
// Schema

let compiled: ReturnType<Ajv['compile']> | undefined;

function schemaProblems(parsed: unknown, file: string): Problem[] {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false }) // the shipped schema's patterns are not valid with the u flag;
    compiled = ajv.compile(automationSchema());
  }
  if (compiled(parsed)) return [];
  const byPath = new Map<string, ErrorObject[]>();
  for (const error of compiled.errors ?? []) {
    if (error.keyword === 'if') continue;
    const path = error.instancePath + (error.keyword === 'required' || error.keyword === 'additionalProperties' ? '' : '');
    byPath.set(path, [...(byPath.get(path) ?? []), error]);
  }
  const problems: Problem[] = [];
  for (const [path, errors] of byPath) {
    const segments = path.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const located = locate(parsed, segments);
    const details = [...new Set(errors.filter((e) => e.keyword !== 'oneOf').map(describeAjvError))];
    const message = errors.some((e) => e.keyword === 'oneOf')
      ? `does not match any allowed form (${details.join('; ')})`
      : details.join('; ');
    problems.push({ file, ...located, message: `schema: ${message}` });
  }
  return problems;
}

function describeAjvError(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'enum':
      return `${e.message} (expected one of ${(p['allowedValues'] as unknown[]).join(', ')})`;
    case 'additionalProperties':
      return `unknown property '${String(p['additionalProperty'])}'`;
    case 'required':
      return `missing required property '${String(p['missingProperty'])}'`;
    default:
      return e.message ?? e.keyword;
  }
}

/** Maps a JSON pointer into the document to a step / parameter and a dotted field. */
function locate(doc: unknown, segments: string[]): Pick<Problem, 'where' | 'field'> {
  if (segments[0] === 'mainSteps' && segments[1] !== undefined) {
    const step = Array.isArray((doc as AutomationDocument).mainSteps)
      ? (doc as AutomationDocument).mainSteps[Number(segments[1])]
      : undefined;
    const name = isObject(step) && typeof step.name === 'string' ? step.name : `#${Number(segments[1]) + 1}`;
    const field = segments.slice(2).join('.');
    return { where: { step: name }, ...(field ? { field } : {}) };
  }
  if (segments[0] === 'parameters' && segments[1] !== undefined) {
    const field = segments.slice(2).join('.');
    return { where: { parameter: segments[1] }, ...(field ? { field } : {}) };
  }
  return segments.length ? { field: segments.join('.') } : {};
}

// ---------------------------------------------------------------------------------------------
// Document-level rules

function checkAssumeRole(ctx: Context): void {
  if (ctx.doc.assumeRole !== ASSUME_ROLE) {
    ctx.problems.push({
      file: ctx.file,
      field: 'assumeRole',
      message: `is ${JSON.stringify(ctx.doc.assumeRole ?? null)} (expected '${ASSUME_ROLE}')`,
    });
  }
  const param = ctx.doc.parameters?.['AutomationAssumeRole'];
  if (!param || param.type !== 'String') {
    ctx.problems.push({
      file: ctx.file,
      where: { parameter: 'AutomationAssumeRole' },
      message: 'missing or not a String (expected a String parameter with the role ARN)',
    });
  }
}

function checkParameters(ctx: Context): void {
  for (const [name, def] of Object.entries(ctx.doc.parameters ?? {})) {
    if (!isObject(def)) continue;
    const p = (field: string, message: string): void => {
      ctx.problems.push({ file: ctx.file, where: { parameter: name }, field, message });
    };
    if (typeof def.description !== 'string' || !def.description.trim()) {
      p('description', 'missing (expected a sentence saying what the parameter is)');
    }
    if (def.type === 'String' || def.type === 'StringList') {
      if (typeof def.allowedPattern !== 'string') {
        p('allowedPattern', `missing (expected a regular expression every ${def.type} parameter value must match)`);
      }
      const pattern = compilePattern(def, p);
      if (pattern && def.default !== undefined) checkDefault(def, pattern, p);
    }
  }
}

function compilePattern(def: ParameterDefinition, p: (field: string, message: string) => void): RegExp | undefined {
  if (typeof def.allowedPattern !== 'string') return undefined;
  try {
    return new RegExp(def.allowedPattern);
  } catch (error) {
    p('allowedPattern', `is not a valid regular expression: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

function checkDefault(def: ParameterDefinition, pattern: RegExp, p: (field: string, message: string) => void): void {
  const values = Array.isArray(def.default) ? def.default : [def.default];
  for (const value of values) {
    if (typeof value === 'string' && !pattern.test(value) && !(value === '' && def.type === 'String' && pattern.test(''))) {
      p('default', `'${value}' does not match allowedPattern ${def.allowedPattern}`);
    }
  }
  if (def.allowedValues && def.type === 'String' && !def.allowedValues.includes(def.default)) {
    p('default', `'${String(def.default)}' is not one of allowedValues (expected one of ${def.allowedValues.join(', ')})`);
  }
}

function checkDescription(ctx: Context): void {
  const description = ctx.doc.description;
  const problem = (message: string): void => {
    ctx.problems.push({ file: ctx.file, field: 'description', message });
  };
  if (typeof description !== 'string') {
    problem(`missing (expected markdown with the sections ${DESCRIPTION_OUTLINE.join(', ')})`);
    return;
  }
  const lines = description.split('\n').map((l) => l.trim());
  let previous = -1;
  for (const heading of DESCRIPTION_OUTLINE) {
    const index = lines.findIndex((l) => l === heading);
    if (index < 0) {
      problem(`section '${heading}' is missing (expected the outline ${DESCRIPTION_OUTLINE.join(', ')})`);
      continue;
    }
    if (index < previous) problem(`section '${heading}' is out of order (expected the outline ${DESCRIPTION_OUTLINE.join(', ')})`);
    const next = lines.findIndex((l, i) => i > index && l.startsWith('## '));
    const body = lines.slice(index + 1, next < 0 ? undefined : next).filter(Boolean);
    if (!body.length) problem(`section '${heading}' is empty (expected at least one line)`);
    if (heading === '## Inputs') {
      const text = body.join('\n');
      for (const param of Object.keys(ctx.doc.parameters ?? {})) {
        if (!text.includes(param)) problem(`section '## Inputs' does not mention parameter '${param}'`);
      }
    }
    previous = index;
  }
}

function checkStepNames(ctx: Context): void {
  const seen = new Set<string>();
  for (const step of ctx.steps) {
    if (seen.has(step.name)) stepProblem(ctx, step.name, 'name', 'is used by more than one step (expected unique step names)');
    seen.add(step.name);
    if (!/^\w+$/.test(step.name)) stepProblem(ctx, step.name, 'name', 'has characters other than letters, digits and _ (onFailure: step:<name> cannot name it)');
  }
}

// ---------------------------------------------------------------------------------------------
// Control flow

interface Edge {
  to: string;
  /** True when the edge is taken after the step succeeded (its outputs exist). */
  success: boolean;
}

/** The edges out of each step, as SSM follows them. Also reports edges to missing steps. */
function flowGraph(ctx: Context, report: boolean): Map<string, Edge[]> {
  const names = new Set(ctx.steps.map((s) => s.name));
  const graph = new Map<string, Edge[]>();
  ctx.steps.forEach((step, index) => {
    const edges: Edge[] = [];
    const following = ctx.steps[index + 1]?.name;
    const target = (to: unknown, field: string, success: boolean): void => {
      if (typeof to !== 'string') return;
      if (!names.has(to)) {
        if (report) {
          const hint = closest(to, [...names]);
          stepProblem(ctx, step.name, field, `names step '${to}', which does not exist (expected one of ${[...names].join(', ')}${hint ? `; did you mean '${hint}'?` : ''})`);
        }
        return;
      }
      edges.push({ to, success });
    };
    const ends = flag(step.isEnd, false);
    if (step.action === 'aws:branch') {
      const choices = Array.isArray(step.inputs?.['Choices']) ? (step.inputs['Choices'] as unknown[]) : [];
      choices.forEach((choice, i) => isObject(choice) && target(choice['NextStep'], `inputs.Choices[${i}].NextStep`, true));
      if (step.inputs?.['Default'] !== undefined) target(step.inputs['Default'], 'inputs.Default', true);
      else if (!ends && following) edges.push({ to: following, success: true });
    } else if (step.nextStep !== undefined) {
      target(step.nextStep, 'nextStep', true);
    } else if (!ends && following) {
      edges.push({ to: following, success: true });
    }
    for (const [field, value] of [['onFailure', step.onFailure], ['onCancel', step.onCancel]] as const) {
      if (typeof value !== 'string') continue;
      if (value.startsWith('step:')) target(value.slice('step:'.length), field, false);
      else if (field === 'onFailure' && value === 'Continue' && following && !ends) edges.push({ to: following, success: false });
    }
    graph.set(step.name, edges);
  });
  return graph;
}

function checkFlow(ctx: Context): void {
  const graph = flowGraph(ctx, true);
  const first = ctx.steps[0]?.name;
  if (!first) return;
  const reached = new Set([first]);
  const queue = [first];
  while (queue.length) {
    for (const edge of graph.get(queue.shift()!) ?? []) {
      if (!reached.has(edge.to)) {
        reached.add(edge.to);
        queue.push(edge.to);
      }
    }
  }
  for (const step of ctx.steps) {
    if (!reached.has(step.name)) {
      stepProblem(ctx, step.name, 'name', 'is unreachable: no nextStep, branch choice, onFailure or preceding step leads to it (expected every step to be reachable from the first)');
    }
  }
}

/**
 * Steps guaranteed to have succeeded before each step runs, on every path from the first step
 * (a forward must-analysis: intersection over incoming edges).
 */
function succeededBefore(ctx: Context): Map<string, Set<string>> {
  const graph = flowGraph(ctx, false);
  const all = new Set(ctx.steps.map((s) => s.name));
  const before = new Map<string, Set<string>>();
  for (const s of ctx.steps) before.set(s.name, new Set(all));
  const first = ctx.steps[0]?.name;
  if (first) before.set(first, new Set());
  let changed = true;
  while (changed) {
    changed = false;
    for (const step of ctx.steps) {
      if (step.name === first) continue;
      const incoming: Set<string>[] = [];
      for (const [from, edges] of graph) {
        for (const edge of edges) {
          if (edge.to !== step.name) continue;
          const available = new Set(before.get(from));
          if (edge.success) available.add(from);
          incoming.push(available);
        }
      }
      const next = incoming.length
        ? new Set([...incoming[0]!].filter((n) => incoming.every((set) => set.has(n))))
        : new Set(all);
      const current = before.get(step.name)!;
      if (next.size !== current.size || [...next].some((n) => !current.has(n))) {
        before.set(step.name, next);
        changed = true;
      }
    }
  }
  return before;
}

// ---------------------------------------------------------------------------------------------
// References

function checkReferences(ctx: Context): void {
  const parameters = new Set(Object.keys(ctx.doc.parameters ?? {}));
  const variables = new Set<string>(AUTOMATION_VARIABLES);
  const outputsOf = new Map<string, Set<string>>();
  for (const step of ctx.steps) {
    const declared = (step.outputs ?? []).filter(isObject).map((o) => o.Name);
    outputsOf.set(step.name, new Set([...declared, ...(BUILTIN_OUTPUTS[step.action] ?? [])]));
  }
  const before = succeededBefore(ctx);
  const resolve = (ref: string, step: Step | undefined): string | undefined => {
    if (parameters.has(ref) || variables.has(ref)) return undefined;
    const dot = ref.indexOf('.');
    if (dot < 0) {
      return `'{{ ${ref} }}' is not a parameter or automation variable (expected one of ${[...parameters].join(', ')} or ${[...variables].join(', ')})`;
    }
    const [source, output] = [ref.slice(0, dot), ref.slice(dot + 1)];
    const outputs = outputsOf.get(source);
    if (!outputs) return `'{{ ${ref} }}' names step '${source}', which does not exist (expected a parameter or <Step>.<Output> of an earlier step)`;
    if (!outputs.has(output)) {
      return `'{{ ${ref} }}': step '${source}' declares no output '${output}' (expected one of ${[...outputs].join(', ') || 'none'})`;
    }
    if (step && !before.get(step.name)?.has(source)) {
      return `'{{ ${ref} }}': step '${source}' has not always succeeded before this step (expected an output of a step on every path to it)`;
    }
    return undefined;
  };
  for (const step of ctx.steps) {
    walk(step.inputs, 'inputs', (value, field) => {
      for (const ref of references(value)) {
        const message = resolve(ref, step);
        if (message) stepProblem(ctx, step.name, field, message);
      }
    });
  }
  for (const ref of references(ctx.doc.assumeRole)) {
    const message = resolve(ref, undefined);
    if (message) ctx.problems.push({ file: ctx.file, field: 'assumeRole', message });
  }
  (ctx.doc.outputs ?? []).forEach((out, i) => {
    const message = typeof out === 'string' && out.includes('.') ? resolve(out, undefined) : undefined;
    if (message) ctx.problems.push({ file: ctx.file, field: `outputs[${i}]`, message });
  });
}

function walk(value: unknown, field: string, visit: (value: string, field: string) => void): void {
  if (typeof value === 'string') visit(value, field);
  else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${field}[${i}]`, visit));
  else if (isObject(value)) for (const [k, v] of Object.entries(value)) walk(v, `${field}.${k}`, visit);
}

// ---------------------------------------------------------------------------------------------
// Actions

function checkApiStep(ctx: Context, step: Step): void {
  const inputs = step.inputs ?? {};
  const service = inputs['Service'];
  const api = inputs['Api'];
  if (typeof service !== 'string') return; // schema reports it
  if (typeof api !== 'string') {
    stepProblem(ctx, step.name, 'inputs.Api', 'missing (expected the PascalCase name of an API operation)');
    return;
  }
  try {
    serviceInfo(service);
  } catch (error) {
    stepProblem(ctx, step.name, 'inputs.Service', error instanceof UnknownServiceError ? error.message : String(error));
    return;
  }
  let operation;
  try {
    operation = findOperation(service, api);
  } catch (error) {
    stepProblem(ctx, step.name, 'inputs.Service', error instanceof Error ? error.message : String(error));
    return;
  }
  if (!operation) {
    const hint = closest(api, operationNames(service));
    stepProblem(ctx, step.name, 'inputs.Api', `'${api}' is not an operation of service '${service}' (expected a command of ${serviceInfo(service).sdkPackage}${hint ? `; did you mean '${hint}'?` : ''})`);
    return;
  }
  const input = operation.input;
  const members = input.kind === 'structure' ? input.members : new Map<string, () => Shape>();
  for (const key of Object.keys(inputs)) {
    if (NON_API_INPUTS.has(key)) continue;
    if (!members.has(key)) {
      const hint = closest(key, [...members.keys()]);
      stepProblem(ctx, step.name, `inputs.${key}`, `is not an input of ${service} ${api} (expected one of ${[...members.keys()].join(', ')}${hint ? `; did you mean '${hint}'?` : ''})`);
    }
  }
  if (input.kind === 'structure') {
    for (const required of input.required) {
      if (!(required in inputs)) stepProblem(ctx, step.name, `inputs.${required}`, `missing: ${service} ${api} requires it`);
    }
  }
  (step.outputs ?? []).forEach((out, i) => {
    if (isObject(out) && typeof out.Selector === 'string') {
      const message = selectorProblem(out.Selector, operation.output, `${service} ${api}`);
      if (message) stepProblem(ctx, step.name, `outputs[${i}].Selector`, message);
    }
  });
  if (typeof inputs['PropertySelector'] === 'string') {
    const message = selectorProblem(inputs['PropertySelector'], operation.output, `${service} ${api}`);
    if (message) stepProblem(ctx, step.name, 'inputs.PropertySelector', message);
  }
  if (step.action !== 'aws:executeAwsApi' && !Array.isArray(inputs['DesiredValues'])) {
    stepProblem(ctx, step.name, 'inputs.DesiredValues', 'is not a list (expected a list of accepted values)');
  }
}

/** Checks that a selector walks through members that exist in the response shape. */
export function selectorProblem(selector: string, shape: Shape, operation: string): string | undefined {
  let tokens: Token[];
  try {
    tokens = parseSelector(selector);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  let shapes: Shape[] = [shape];
  let path = '$';
  for (const token of tokens) {
    const next: Shape[] = [];
    for (const s of shapes) {
      if (token.kind === 'property') {
        if (s.kind === 'structure' && s.members.has(token.name)) next.push(s.members.get(token.name)!());
        else if (s.kind === 'map') next.push(s.value());
      } else if (token.kind === 'index' || token.kind === 'wildcard') {
        if (s.kind === 'list') next.push(s.member());
        else if (s.kind === 'map' && token.kind === 'wildcard') next.push(s.value());
      } else {
        next.push(...descendantMembers(s, token.name));
      }
    }
    const label = token.kind === 'property' ? `.${token.name}` : token.kind === 'descend' ? `..${token.name}` : token.kind === 'index' ? `[${token.index}]` : '[*]';
    if (!next.length) {
      const members = shapes.flatMap((s) => (s.kind === 'structure' ? [...s.members.keys()] : []));
      const what = token.kind === 'index' || token.kind === 'wildcard' ? 'is not a list' : `has no member '${token.kind === 'property' || token.kind === 'descend' ? token.name : ''}'`;
      return `selector '${selector}' selects nothing: ${path} ${what} in the ${operation} response${members.length ? ` (expected one of ${members.join(', ')})` : ''}`;
    }
    path += label;
    shapes = next;
  }
  return undefined;
}

function descendantMembers(shape: Shape, name: string, depth = 0, seen = new Set<string>()): Shape[] {
  if (depth > 12) return [];
  const found: Shape[] = [];
  if (shape.kind === 'structure') {
    if (seen.has(shape.name)) return [];
    seen.add(shape.name);
    for (const [member, resolve] of shape.members) {
      const child = resolve();
      if (member === name) found.push(child);
      found.push(...descendantMembers(child, name, depth + 1, seen));
    }
  } else if (shape.kind === 'list') {
    found.push(...descendantMembers(shape.member(), name, depth + 1, seen));
  } else if (shape.kind === 'map') {
    found.push(...descendantMembers(shape.value(), name, depth + 1, seen));
  }
  return found;
}

function checkScriptStep(ctx: Context, step: Step): void {
  const inputs = step.inputs ?? {};
  const script = inputs['Script'];
  const handler = inputs['Handler'];
  if (typeof script !== 'string') {
    stepProblem(ctx, step.name, 'inputs.Script', 'missing (expected an inline script; attachments are not used in this project)');
    return;
  }
  if (typeof inputs['Runtime'] === 'string' && inputs['Runtime'].startsWith('python')) {
    if (typeof handler !== 'string' || !new RegExp(`^def ${handler}\\(\\s*\\w+\\s*,\\s*\\w+\\s*\\)`, 'm').test(script)) {
      stepProblem(ctx, step.name, 'inputs.Handler', `names no top-level function of the script (expected 'def ${String(handler)}(events, context):')`);
    }
  }
  const declared = declaredScriptActions(script);
  for (const action of declared) {
    if (!/^[a-z0-9-]+:[A-Za-z0-9]+$/.test(action)) {
      stepProblem(ctx, step.name, 'inputs.Script', `'# iam:' declares '${action}', which is not an IAM action (expected service:Action, no wildcards)`);
    }
  }
  const used = new Set<string>();
  for (const call of scriptBoto3Calls(script)) {
    let action: string | undefined;
    try {
      action = actionOfCall(call);
    } catch (error) {
      stepProblem(ctx, step.name, 'inputs.Script', `line ${call.line}: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    if (!action) {
      stepProblem(ctx, step.name, 'inputs.Script', `line ${call.line}: boto3 client '${call.service}' has no method '${call.method}' (expected a snake_case operation name)`);
      continue;
    }
    used.add(action);
    if (!declared.includes(action)) {
      stepProblem(ctx, step.name, 'inputs.Script', `line ${call.line}: calls ${call.service}.${call.method} but does not declare '${action}' (expected a '# iam: ${action}' line)`);
    }
  }
  for (const action of declared) {
    if (/^[a-z0-9-]+:[A-Za-z0-9]+$/.test(action) && !used.has(action)) {
      stepProblem(ctx, step.name, 'inputs.Script', `'# iam:' declares '${action}' but the script makes no such call (expected only the actions it calls)`);
    }
  }
  (step.outputs ?? []).forEach((out, i) => {
    if (isObject(out) && typeof out.Selector === 'string' && !/^\$\.Payload(\.|\[|$)/.test(out.Selector)) {
      stepProblem(ctx, step.name, `outputs[${i}].Selector`, `'${out.Selector}' does not select from the script's return value (expected '$.Payload.<key>')`);
    }
  });
}

function checkBranchStep(ctx: Context, step: Step): void {
  const choices = step.inputs?.['Choices'];
  if (!Array.isArray(choices) || !choices.length) {
    stepProblem(ctx, step.name, 'inputs.Choices', 'missing or empty (expected a list of choices)');
    return;
  }
  choices.forEach((choice, i) => checkCondition(ctx, step, choice, `inputs.Choices[${i}]`, true));
}

function checkCondition(ctx: Context, step: Step, condition: unknown, field: string, top: boolean): void {
  if (!isObject(condition)) {
    stepProblem(ctx, step.name, field, 'is not a mapping (expected Variable and one operator, or And/Or/Not)');
    return;
  }
  if (top && typeof condition['NextStep'] !== 'string') stepProblem(ctx, step.name, `${field}.NextStep`, 'missing (expected the step to go to)');
  const keys = Object.keys(condition).filter((k) => k !== 'NextStep');
  const compound = keys.filter((k) => k === 'And' || k === 'Or' || k === 'Not');
  if (compound.length) {
    for (const op of compound) {
      const parts = op === 'Not' ? [condition[op]] : condition[op];
      if (!Array.isArray(parts)) stepProblem(ctx, step.name, `${field}.${op}`, 'is not a list of conditions');
      else parts.forEach((part, i) => checkCondition(ctx, step, part, `${field}.${op}[${i}]`, false));
    }
    return;
  }
  const operators = keys.filter((k) => BRANCH_OPERATORS.has(k));
  const unknown = keys.filter((k) => k !== 'Variable' && !BRANCH_OPERATORS.has(k));
  for (const k of unknown) stepProblem(ctx, step.name, `${field}.${k}`, `is not a branch operator (expected one of ${[...BRANCH_OPERATORS].join(', ')})`);
  if (operators.length !== 1) stepProblem(ctx, step.name, field, `has ${operators.length} operators (expected exactly one)`);
  const variable = condition['Variable'];
  if (typeof variable !== 'string' || soleReference(variable) === undefined) {
    stepProblem(ctx, step.name, `${field}.Variable`, `is ${JSON.stringify(variable ?? null)} (expected '{{ Parameter }}' or '{{ Step.Output }}')`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The IAM action of an API step, for messages and the CLI. */
export function stepAction(step: Step): string | undefined {
  const { Service: service, Api: api } = step.inputs ?? {};
  if (typeof service !== 'string' || typeof api !== 'string') return undefined;
  try {
    return iamAction(service, api);
  } catch {
    return undefined;
  }
}
