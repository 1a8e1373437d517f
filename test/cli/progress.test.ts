import { describe, expect, it } from 'vitest';
import { createProgress } from '../../cli/progress.js';

function fakeStream(isTTY: boolean, { columns }: { columns?: number } = { columns: 40 }) {
  const writes: string[] = [];
  const stream = { isTTY, columns, write: (text: string) => writes.push(text) } as unknown as NodeJS.WriteStream;
  return { stream, writes };
}

describe('progress line', () => {
  it('draws one self-overwriting line on a terminal, cut to its width, and clears it when done', () => {
    const { stream, writes } = fakeStream(true);
    const progress = createProgress(stream);
    progress.update('[1/2] 111122223333 eu-west-3 ecr-stale-images: 1200 repositories listed');
    progress.done();
    expect(writes).toEqual(['\r\x1b[K[1/2] 111122223333 eu-west-3 ecr-stale…', '\r\x1b[K']);
    // Cut to the terminal width less one column, so the cursor never wraps.
    expect(writes[0]?.replace('\r\x1b[K', '')).toHaveLength(39);
  });

  it('writes nothing when stderr is not a terminal (pipes, CI logs)', () => {
    const { stream, writes } = fakeStream(false);
    const progress = createProgress(stream);
    progress.update('working');
    progress.done();
    expect(writes).toEqual([]);
  });

  it('a terminal that reports no width (0 columns: a pty without a size, e.g. `script`, some CI runners) gets 100 columns, not 20', () => {
    const message = `[0/1 scopes done] 111122223333 eu-west-3 ecr-stale-images: ${'x'.repeat(20)}`;
    for (const columns of [0, undefined]) {
      const { stream, writes } = fakeStream(true, { columns });
      createProgress(stream).update(message);
      expect(writes, String(columns)).toEqual([`\r\x1b[K${message}`]);
    }
  });
});
