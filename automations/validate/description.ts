/** The description outline: fixed markdown headings, each non-empty, Inputs naming every parameter. */
import type { Context } from './context.js';

/** The fixed outline of a runbook description (docs/runbooks.md): headings in this order. */
export const DESCRIPTION_OUTLINE = ['## What it does', '## Inputs', '## Outputs', '## Controls'] as const;

/** The description has the outline's headings in order, each with a body; Inputs names every parameter. */
export function checkDescription(ctx: Context): void {
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
