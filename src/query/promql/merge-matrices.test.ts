import { describe, expect, it } from 'vitest';

import { mergeMatrixResults } from './merge-matrices.js';

describe('mergeMatrixResults', () => {
  it('keeps a series seen in several answers once, with the union of its samples', () => {
    const a = {
      metric: { __name__: 'x', job: 'a' },
      values: [
        [1, '1'],
        [2, '2'],
      ] as [number, string][],
    };
    const again = {
      metric: { job: 'a', __name__: 'x' },
      values: [
        [2, '2'],
        [3, '3'],
      ] as [number, string][],
    };
    expect(mergeMatrixResults([[a], [again]])).toEqual([
      {
        metric: a.metric,
        values: [
          [1, '1'],
          [2, '2'],
          [3, '3'],
        ],
      },
    ]);
  });

  it('keeps series that differ only by __name__ apart', () => {
    const x = { metric: { __name__: 'x', job: 'a' }, values: [[1, '1']] as [number, string][] };
    const y = { metric: { __name__: 'y', job: 'a' }, values: [[1, '5']] as [number, string][] };
    expect(mergeMatrixResults([[x], [y]])).toEqual([x, y]);
  });
});
