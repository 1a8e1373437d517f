import { writeFile } from 'node:fs/promises';
import { UsageError } from './errors.js';

const WHY: Record<string, string> = {
  ENOENT: 'no such directory',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a parent is not a directory',
  EROFS: 'read-only file system',
};

/** Writes `--output <path>`; a path that cannot be written is a usage error naming the option, the path and why. */
export async function writeOutput(path: string, text: string, what: string): Promise<void> {
  try {
    await writeFile(path, text, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    throw new UsageError(`--output ${path}: cannot write the ${what} (${WHY[code] ?? code ?? (error as Error).message}).`, { cause: error });
  }
}
