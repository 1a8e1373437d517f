/**
 * RestrictEcrRepositoryPolicy's restriction (restriction.py `restrict`) run on many policies in
 * one Python process, with what its VerifyRestriction step would still change afterwards.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AccessContext } from '../../rules/ecr-repository-access/policy-risk.js';

/** The repository's account, a trusted account, an allowed-pull vendor, an outsider, the organisation. */
export const OURS = '111122223333';
export const TRUSTED = '222233334444';
export const VENDOR = '555566667777';
export const OUTSIDE = '444455556666';
export const ORG = 'o-a1b2c3d4e5';
/** The rule's context and the runbook's inputs for the same deployment. */
export const CONTEXT: AccessContext = { repositoryArn: `arn:aws:ecr:eu-west-3:${OURS}:repository/team-a/app`, accountId: OURS, organizationId: ORG, trustedAccounts: [TRUSTED], allowedPullAccounts: [VENDOR] };
export const EVENTS = { AccountId: OURS, OrganizationId: ORG, TrustedAccounts: [TRUSTED], AllowedPullAccounts: [VENDOR] };

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
