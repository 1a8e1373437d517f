import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import { REGION_PATTERN } from '../rules/names.js';
import { SnapshotError } from './errors.js';
import { writeOutput } from './output.js';

/**
 * A snapshot is the collected facts as JSON, per account and region, so a scan can be
 * repeated offline, shared, or used as the demo. It carries a format name and version;
 * anything else is refused with a message naming the file and the problem.
 */
export const SNAPSHOT_FORMAT = 'ecr-guardrails-snapshot';
export const SNAPSHOT_VERSION = 1;

export interface SnapshotScope {
  accountId: string;
  region: string;
  partition: string;
  /** Rule id -> the facts its collector returned. */
  facts: Record<string, unknown>;
}

export interface Snapshot {
  format: typeof SNAPSHOT_FORMAT;
  version: typeof SNAPSHOT_VERSION;
  collectedAt: string;
  description?: string;
  scopes: SnapshotScope[];
}

const envelopeSchema = {
  type: 'object',
  required: ['format', 'version', 'collectedAt', 'scopes'],
  properties: {
    format: { const: SNAPSHOT_FORMAT },
    version: { type: 'integer' },
    collectedAt: { type: 'string', format: 'date-time' },
    description: { type: 'string' },
    scopes: {
      type: 'array',
      items: {
        type: 'object',
        required: ['accountId', 'region', 'partition', 'facts'],
        properties: {
          accountId: { type: 'string', pattern: '^[0-9]{12}$' },
          region: { type: 'string', pattern: REGION_PATTERN },
          partition: { type: 'string', minLength: 1 },
          facts: { type: 'object' },
        },
      },
    },
  },
} as const;

const ajv = new Ajv({ allErrors: true });
ajv.addFormat('date-time', (value: string) => !Number.isNaN(Date.parse(value)) && /^\d{4}-\d{2}-\d{2}T/.test(value));
const validateEnvelope = ajv.compile(envelopeSchema);

/** Checks a parsed snapshot; `source` names the file in messages. */
export function parseSnapshot(data: unknown, source: string): Snapshot {
  if (typeof data === 'object' && data !== null && 'format' in data && data.format === SNAPSHOT_FORMAT) {
    const version = (data as { version?: unknown }).version;
    if (version !== SNAPSHOT_VERSION) {
      throw new SnapshotError(
        `${source}: snapshot format version ${JSON.stringify(version)} is not supported (this ecr-guardrails reads version ${SNAPSHOT_VERSION}); collect it again with this version.`,
      );
    }
  }
  if (!validateEnvelope(data)) {
    const problems = (validateEnvelope.errors ?? []).slice(0, 3).map((error) => {
      const where = error.instancePath || '(top level)';
      if (error.keyword === 'const') return `${where} must be "${SNAPSHOT_FORMAT}" (is this an ecr-guardrails snapshot?)`;
      return `${where} ${error.message ?? 'is invalid'}`;
    });
    throw new SnapshotError(`${source}: not a valid ecr-guardrails snapshot: ${problems.join('; ')}.`);
  }
  return data;
}

/** Reads and validates a snapshot file; a missing, unreadable or foreign file is a SnapshotError naming the file and the problem. */
export async function readSnapshot(path: string): Promise<Snapshot> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SnapshotError(code === 'ENOENT' ? `${path}: no such snapshot file.` : `${path}: cannot read snapshot (${code ?? (error as Error).message}).`, { cause: error });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new SnapshotError(`${path}: snapshot is not valid JSON (${(error as Error).message}).`, { cause: error });
  }
  return parseSnapshot(data, path);
}

/** Writes a snapshot as JSON (`collect --output`); an unwritable path is a usage error naming it. */
export async function writeSnapshot(path: string, snapshot: Snapshot): Promise<void> {
  await writeOutput(path, `${JSON.stringify(snapshot, null, 2)}\n`, 'snapshot');
}
