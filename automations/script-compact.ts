/**
 * Compacts the Python of an `aws:executeScript` step whose reference asks for it
 * (`Script: {file: ..., compact: true}`, script-files.ts) before it goes into the document, so a
 * runbook stays under Systems Manager's 64 KB per document (infra/limits.ts) while its script
 * files keep comments and readable indentation. Only what the Python compiler ignores changes:
 * - comment-only lines are emptied, except `# iam:` declarations (scripts.ts reads them from
 *   the document); lines are never removed, so line numbers in validation messages and
 *   tracebacks stay those of the inlined script;
 * - a statement's indentation of 4n spaces becomes n spaces (the block structure is the same),
 *   and a continuation line inside brackets gets one space (its indentation has no meaning).
 * Text inside strings is never touched: a line that starts inside a triple-quoted string is kept
 * as it is. The tests compare the syntax tree of every compacted script with its source's.
 *
 * Python's lexical rules followed here:
 * https://docs.python.org/3/reference/lexical_analysis.html (comments, blank lines, implicit
 * line joining inside brackets, indentation, string literals).
 */
import { EcrGuardrailsError } from '../rules/kernel/errors.js';

const IAM_DECLARATION = /^\s*#\s*iam:/;

interface LexState {
  depth: number;
  /** The open triple quote (`'''` or `"""`) a line ends inside, if any. */
  triple: string | undefined;
}

/** Advances the state over one physical line: brackets, strings (any prefix), comments. */
function scan(line: string, state: LexState): void {
  let i = 0;
  while (i < line.length) {
    if (state.triple) {
      const end = line.indexOf(state.triple, i);
      if (end < 0) return;
      // A backslash escapes the quote that follows it.
      let slashes = 0;
      for (let j = end - 1; j >= i && line[j] === '\\'; j--) slashes++;
      i = end + (slashes % 2 ? 1 : 3);
      if (slashes % 2 === 0) state.triple = undefined;
      continue;
    }
    const c = line[i]!;
    if (c === '#') return;
    if (c === '"' || c === "'") {
      const quote = line.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
      if (quote.length === 3) {
        state.triple = quote;
        i += 3;
        continue;
      }
      let j = i + 1;
      while (j < line.length && line[j] !== c) j += line[j] === '\\' ? 2 : 1;
      if (j >= line.length) throw new EcrGuardrailsError(`cannot compact: a string continues past the end of the line: ${line.trim()}`);
      i = j + 1;
      continue;
    }
    if ('([{'.includes(c)) state.depth++;
    else if (')]}'.includes(c)) state.depth--;
    i++;
  }
  if (line.endsWith('\\')) throw new EcrGuardrailsError(`cannot compact: backslash line continuation: ${line.trim()}`);
}

/** The script with comments and indentation reduced, line for line (see above); throws if it cannot tell. */
export function compactScript(script: string): string {
  const state: LexState = { depth: 0, triple: undefined };
  const out: string[] = [];
  for (const line of script.split('\n')) {
    const insideString = state.triple !== undefined;
    const continuation = state.depth > 0;
    if (insideString) {
      out.push(line);
    } else {
      const text = line.trimStart();
      const indent = line.length - text.length;
      if (text === '' || (text.startsWith('#') && !IAM_DECLARATION.test(text))) {
        // Nothing for the compiler: a blank or comment-only line.
        out.push('');
      } else if (continuation) {
        out.push(` ${text}`);
      } else {
        if (indent % 4 !== 0 || /^\s*\t/.test(line)) throw new EcrGuardrailsError(`cannot compact: indentation is not 4n spaces: ${text}`);
        out.push(`${' '.repeat(indent / 4)}${text}`);
      }
    }
    scan(line, state);
  }
  if (state.triple || state.depth !== 0) throw new EcrGuardrailsError('cannot compact: unbalanced brackets or an unterminated string');
  return out.join('\n');
}
