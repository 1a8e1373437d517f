/**
 * IAM actions of `aws:executeScript` steps.
 *
 * Convention: a script declares every AWS action it calls in comment lines of its own text,
 *
 *     # iam: ecr:DescribeRepositories, ecr:PutImageTagMutability
 *
 * (one or more such lines, comma separated; a script that calls no AWS API declares nothing).
 * The declaration travels with the script into SSM harmlessly, sits next to the calls it
 * justifies, and is what the automation role is built from. The validator cross-checks it
 * against the boto3 calls it can see statically (`x = boto3.client('ecr')` then
 * `x.describe_repositories(...)` or `x.get_paginator('describe_images')`), and the test
 * interpreter refuses at run time any call the script did not declare.
 */
import { iamAction, operationForMethod } from './sdk-model.js';

const DECLARATION = /^\s*#\s*iam:\s*(.*)$/gm;

/** Actions declared with `# iam:` lines, in order of appearance (duplicates removed). */
export function declaredScriptActions(script: string): string[] {
  const actions: string[] = [];
  for (const match of script.matchAll(DECLARATION)) {
    for (const raw of (match[1] ?? '').split(',')) {
      const action = raw.trim();
      if (action && !actions.includes(action)) actions.push(action);
    }
  }
  return actions;
}

/** A boto3 call found in a script's text. */
export interface ScriptCall {
  /** boto3 service name. */
  service: string;
  /** boto3 method (snake_case). */
  method: string;
  /** 1-based line in the script. */
  line: number;
}

/** boto3 calls found by a static scan; see the file comment for the patterns recognised. */
export function scriptBoto3Calls(script: string): ScriptCall[] {
  const clients = new Map<string, string>();
  for (const m of script.matchAll(/\b([A-Za-z_]\w*)\s*=\s*boto3\.client\(\s*['"]([\w-]+)['"]/g)) {
    clients.set(m[1]!, m[2]!);
  }
  const calls: ScriptCall[] = [];
  const lines = script.split('\n');
  lines.forEach((text, index) => {
    if (/^\s*#/.test(text)) return;
    // Inline clients: boto3.client('ecr').describe_repositories(...)
    for (const m of text.matchAll(/boto3\.client\(\s*['"]([\w-]+)['"][^)]*\)\.(\w+)\(/g)) {
      calls.push(...callOf(m[1]!, m[2]!, text, index));
    }
    for (const [variable, service] of clients) {
      const pattern = new RegExp(`\\b${variable}\\.(\\w+)\\(`, 'g');
      for (const m of text.matchAll(pattern)) calls.push(...callOf(service, m[1]!, text, index));
    }
  });
  return calls;
}

function callOf(service: string, method: string, text: string, index: number): ScriptCall[] {
  if (method === 'get_paginator' || method === 'get_waiter') {
    const m = /get_(?:paginator|waiter)\(\s*['"](\w+)['"]/.exec(text);
    return m && method === 'get_paginator' ? [{ service, method: m[1]!, line: index + 1 }] : [];
  }
  return [{ service, method, line: index + 1 }];
}

/** IAM action for a boto3 call, or undefined when the method is not an operation of the service. */
export function actionOfCall(call: Pick<ScriptCall, 'service' | 'method'>): string | undefined {
  const op = operationForMethod(call.service, call.method);
  return op ? iamAction(call.service, op) : undefined;
}
