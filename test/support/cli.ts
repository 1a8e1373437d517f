import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const BINARY = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built `ecr-guardrails` binary (npm test builds it first) with no AWS settings
 * from the developer's shell, so nothing can reach a real account.
 */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  if (!existsSync(BINARY)) throw new Error(`${BINARY} is missing: run \`npm run build\` (npm test does it) before the CLI tests.`);
  const cleanEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: '/nonexistent-home',
    AWS_CONFIG_FILE: '/nonexistent/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    NO_COLOR: '1',
    ...env,
  };
  return new Promise((resolve) => {
    execFile(process.execPath, [BINARY, ...args], { env: cleanEnv, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
