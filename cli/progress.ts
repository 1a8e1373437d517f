/**
 * One self-overwriting status line on stderr while a live scan collects, only when stderr
 * is a terminal: pipes, files and CI logs stay clean.
 */
export interface Progress {
  update: (message: string) => void;
  done: () => void;
}

/** A progress line for `stream` (stderr by default), shown only when it is a terminal; `done()` clears it. */
export function createProgress(stream: NodeJS.WriteStream = process.stderr, enabled = stream.isTTY === true): Progress {
  if (!enabled) return { update: () => undefined, done: () => undefined };
  let last = 0;
  let shown = false;
  return {
    update(message) {
      const now = Date.now();
      if (now - last < 80) return;
      last = now;
      // A pty without a size reports 0 columns: treat it as unknown.
      const width = Math.max(20, (stream.columns || 100) - 1);
      stream.write(`\r\x1b[K${message.length > width ? `${message.slice(0, width - 1)}…` : message}`);
      shown = true;
    },
    done() {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}
