/**
 * RestrictEcrRepositoryPolicy's restriction (restriction.py `restrict`) run on many policies in
 * one Python process, with what its VerifyRestriction step would still change afterwards.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPTS = fileURLToPath(new URL('../../automations/scripts/RestrictEcrRepositoryPolicy/', import.meta.url));

export interface Fixed {
  /** The policy the runbook writes. */
  after: string;
  /** What its plan changes; empty: the repository is left untouched. */
  changes: string[];
  /** What VerifyRestriction would still change in the policy written; empty: it passes. */
  remaining: string[];
}

export function runbook(texts: string[], events: Record<string, unknown>): Fixed[] {
  const program = [
    'import json, sys',
    'from restriction import restrict',
    'events = json.loads(sys.argv[1])',
    'out = []',
    'for text in json.load(sys.stdin):',
    '    after, changes = restrict(text, events)',
    '    written = json.dumps(after)',
    '    _, remaining = restrict(written, dict(events, Mode="confine"))',
    '    out.append({"after": written, "changes": changes, "remaining": remaining})',
    'print(json.dumps(out))',
  ].join('\n');
  const run = spawnSync('python3', ['-c', program, JSON.stringify(events)], {
    input: JSON.stringify(texts),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, PYTHONPATH: SCRIPTS, PYTHONDONTWRITEBYTECODE: '1' },
  });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as Fixed[];
}
