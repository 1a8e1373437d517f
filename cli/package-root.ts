import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The installed package's root (works from the sources and from dist/). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate) && (JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === 'ecr-guardrails') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('Cannot find the ecr-guardrails package root.');
    dir = parent;
  }
}

/** The installed package's version (package.json). */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** Path of the bundled demo estate snapshot (`examples/demo-estate.json`). */
export function demoEstatePath(): string {
  return join(packageRoot(), 'examples', 'demo-estate.json');
}
