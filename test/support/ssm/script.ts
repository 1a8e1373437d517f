/**
 * Runs an aws:executeScript (python3.x) handler with the real `python3` and the fake boto3 in
 * `python/`, answering each boto3 call through the mocked AWS SDK (see `aws.ts`).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { iamAction, operationForMethod } from '../../../automations/sdk-model.js';
import { awsErrorShape, callAws, paginateAws } from './aws.js';

const PYTHON_DIR = fileURLToPath(new URL('./python/', import.meta.url));

export interface ScriptRun {
  script: string;
  handler: string;
  payload: unknown;
  context: Record<string, unknown>;
  /** Actions the script declared with `# iam:`; any other call is refused and reported. */
  declaredActions: readonly string[];
  region: string;
  timeoutMs: number;
  /** Called for every AWS call the script makes (before it is answered). */
  onCall: (call: { service: string; api: string; action: string; input: Record<string, unknown> }) => void;
}

export interface ScriptResult {
  ok: boolean;
  value?: unknown;
  error?: string;
  /** Calls to actions the script did not declare (each also failed inside the script). */
  undeclared: string[];
  stderr: string;
}

interface Message {
  type: 'call' | 'paginate' | 'result';
  service?: string;
  method?: string;
  kwargs?: Record<string, unknown>;
  ok?: boolean;
  value?: unknown;
  error?: string;
  traceback?: string;
}

export async function runPythonScript(run: ScriptRun): Promise<ScriptResult> {
  const child = spawn('python3', [`${PYTHON_DIR}runner.py`], {
    env: { ...process.env, PYTHONPATH: PYTHON_DIR, PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const undeclared: string[] = [];
  const reply = (answer: unknown): void => {
    child.stdin.write(`${JSON.stringify(answer)}\n`);
  };
  const timer = setTimeout(() => child.kill('SIGKILL'), run.timeoutMs);
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  child.stdin.write(`${JSON.stringify({ script: run.script, handler: run.handler, payload: run.payload, context: run.context })}\n`);
  let result: ScriptResult | undefined;
  try {
    for await (const line of createInterface({ input: child.stdout })) {
      const message = JSON.parse(line) as Message;
      if (message.type === 'result') {
        result = message.ok
          ? { ok: true, value: message.value, undeclared, stderr }
          : { ok: false, error: message.error ?? 'script failed', undeclared, stderr: `${stderr}${message.traceback ?? ''}` };
        child.stdin.end();
        break;
      }
      reply(await answer(message, run, undeclared));
    }
  } finally {
    clearTimeout(timer);
  }
  const code = await exited;
  return result ?? { ok: false, error: `python3 exited with code ${code} before returning (timeout ${run.timeoutMs} ms?)`, undeclared, stderr };
}

async function answer(message: Message, run: ScriptRun, undeclared: string[]): Promise<unknown> {
  const service = message.service ?? '';
  const method = message.method ?? '';
  let api: string | undefined;
  try {
    api = operationForMethod(service, method);
  } catch (error) {
    return { ok: false, error: { Code: 'UnknownService', Message: error instanceof Error ? error.message : String(error) } };
  }
  if (!api) return { ok: false, error: { Code: 'AttributeError', Message: `'${service}' client has no method '${method}'` } };
  const action = iamAction(service, api);
  const input = message.kwargs ?? {};
  run.onCall({ service, api, action, input });
  if (!run.declaredActions.includes(action)) {
    undeclared.push(action);
    return { ok: false, error: { Code: 'AccessDenied', Message: `${action} is not declared with '# iam:' in the script` } };
  }
  try {
    const result =
      message.type === 'paginate'
        ? await paginateAws(service, api, input, run.region)
        : { ...(await callAws(service, api, input, run.region)), ResponseMetadata: { HTTPStatusCode: 200 } };
    return { ok: true, result };
  } catch (error) {
    return { ok: false, error: awsErrorShape(error) };
  }
}
