/**
 * The runbook catalog: every SSM Automation document in `automations/`, with the IAM actions
 * it needs derived from the document itself. The CDK app builds the automation role from
 * `automationRoleActions()`, the CLI prints the catalog, and tests iterate it, so adding a
 * YAML file is all it takes to bring a runbook into every check.
 *
 * Production code: no test imports here.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_ACTIONS, parseDocument, type AutomationDocument } from './document.js';
import { declaredScriptActions } from './scripts.js';
import { inlineScripts, ScriptFileError } from './script-files.js';
import { DOCUMENT_PREFIX } from '../rules/names.js';
import { iamAction } from './sdk-model.js';

/** One runbook of the catalog, loaded from `automations/<name>.yaml`. */
export interface Runbook {
  /** VerbNoun file name without `.yaml`, e.g. `EnableEcrTagImmutability`. */
  name: string;
  /** SSM document name as deployed: `EcrGuardrails-<name>`. */
  documentName: string;
  /** Absolute path of the YAML file. */
  path: string;
  /** Raw YAML text as written (scripts still as `{file: ...}` references, see `script-files.ts`). */
  yaml: string;
  /** Parsed document with every script file inlined: what the CDK app deploys and the tests run. */
  document: AutomationDocument;
  /** Sorted IAM actions the runbook needs (see `runbookActions`). */
  actions: string[];
}

/**
 * The `automations/` folder: the folder of this module when run from source (tsx, vitest),
 * or `<package>/automations` when run from `dist/automations/` (the YAML is not compiled).
 */
export function defaultRunbookDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [here, resolve(here, '../../automations')];
  return candidates.find((dir) => existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.yaml'))) ?? here;
}

/** The runbook YAML files of a folder, sorted by name. */
export function runbookFiles(dir = defaultRunbookDir()): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .map((f) => join(dir, f));
}

/**
 * Folders a runbook's script references resolve against: the runbook's own folder, then the
 * project's `automations/` (so a runbook copied elsewhere still finds the project's scripts).
 */
export function scriptDirs(runbookPath: string): string[] {
  return [...new Set([dirname(resolve(runbookPath)), defaultRunbookDir()])];
}

/** Loads every runbook of a folder, sorted by name (see `loadRunbook` for what throws). */
export function loadRunbooks(dir = defaultRunbookDir()): Runbook[] {
  return runbookFiles(dir).map(loadRunbook);
}

/**
 * Loads one runbook: parses the YAML and inlines its script files (see `script-files.ts`).
 * Throws on YAML syntax errors and on script references that do not resolve (ScriptFileError).
 */
export function loadRunbook(path: string): Runbook {
  const yaml = readFileSync(path, 'utf8');
  const document = parseDocument(yaml) as AutomationDocument;
  const unresolved = inlineScripts(document, scriptDirs(path));
  if (unresolved.length) {
    throw new ScriptFileError(`${displayPath(path)}: ${unresolved.map((u) => `step '${u.step}': ${u.message}`).join('; ')}`);
  }
  const name = basename(path).replace(/\.ya?ml$/, '');
  return {
    name,
    documentName: `${DOCUMENT_PREFIX}${name}`,
    path,
    yaml,
    document,
    actions: runbookActions(document),
  };
}

/**
 * Actions IAM authorizes as well when an API runs (the "dependent actions" of the Service
 * Authorization Reference): the role needs them although no step calls them by name. Creating
 * or modifying an interface endpoint with private DNS associates the VPC with the endpoint
 * service's private hosted zone on the caller's behalf; tagging at creation is ec2:CreateTags.
 */
export const DEPENDENT_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  // Tags given in TagSpecifications are authorized as ec2:CreateTags with ec2:CreateAction =
  // the create call ("Grant permission to tag resources during creation",
  // https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/supported-iam-actions-tagging.html);
  // the runbooks tag everything they create that way (automations/iam-scope.ts).
  'ec2:CreateSecurityGroup': ['ec2:CreateTags'],
  'ec2:CreateVpcEndpoint': ['route53:AssociateVPCWithHostedZone', 'ec2:CreateTags'],
  'ec2:ModifyVpcEndpoint': ['route53:AssociateVPCWithHostedZone'],
  // Writing an ENHANCED registry scanning configuration calls Amazon Inspector with the
  // caller's permissions (https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-enhanced-iam.html).
  // Disable and iam:CreateServiceLinkedRole are left out: the runbook never switches the scan type.
  'ecr:PutRegistryScanningConfiguration': ['inspector2:Enable', 'inspector2:ListAccountPermissions'],
};

/**
 * IAM actions a document needs: `<iam prefix>:<Api>` of every executeAwsApi,
 * assertAwsResourceProperty and waitForAwsResourceProperty step, plus the `# iam:` declared
 * actions of every executeScript step (see `scripts.ts`), plus their `DEPENDENT_ACTIONS`.
 * Sorted, without duplicates. Steps with an unknown service or no Api contribute nothing
 * here; the validator reports them. The document's scripts must be inlined (`loadRunbook`).
 */
export function runbookActions(document: AutomationDocument): string[] {
  const actions = new Set<string>();
  for (const step of document.mainSteps ?? []) {
    const inputs = step.inputs ?? {};
    if (API_ACTIONS.has(step.action)) {
      const { Service: service, Api: api } = inputs;
      if (typeof service !== 'string' || typeof api !== 'string') continue;
      try {
        actions.add(iamAction(service, api));
      } catch {
        // unknown service: reported by the validator
      }
    } else if (step.action === 'aws:executeScript' && typeof inputs['Script'] === 'string') {
      for (const action of declaredScriptActions(inputs['Script'])) actions.add(action);
    }
  }
  for (const action of [...actions]) for (const dependent of DEPENDENT_ACTIONS[action] ?? []) actions.add(dependent);
  return [...actions].sort();
}

/** The automation role's actions: sorted union over all runbooks. */
export function automationRoleActions(runbooks: readonly Runbook[] = loadRunbooks()): string[] {
  return [...new Set(runbooks.flatMap((r) => r.actions))].sort();
}

/** Path for messages: relative to the project root, e.g. `automations/EnableEcrTagImmutability.yaml`. */
export function displayPath(path: string): string {
  const root = resolve(defaultRunbookDir(), '..');
  const rel = relative(root, path);
  return rel.startsWith('..') ? path : rel.split('\\').join('/');
}
