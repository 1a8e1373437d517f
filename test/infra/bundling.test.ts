import { describe, expect, it } from 'vitest';
import { bundlingOptions, sourceMapEnvironment } from '../../infra/bundling.js';
import { config } from './support.js';

describe('Lambda bundles: source maps only on purpose', () => {
  it('ships no source map and no --enable-source-maps by default', () => {
    expect(config().lambda.sourceMaps).toBe(false);
    expect(bundlingOptions(false).sourceMap).toBe(false);
    expect(sourceMapEnvironment(false)).toEqual({});
  });

  it('ships both when lambda.sourceMaps is true', () => {
    expect(config({ lambda: { sourceMaps: true } }).lambda.sourceMaps).toBe(true);
    expect(bundlingOptions(true).sourceMap).toBe(true);
    expect(sourceMapEnvironment(true)).toEqual({ NODE_OPTIONS: '--enable-source-maps' });
  });
});
