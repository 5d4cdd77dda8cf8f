import { describe, expect, it } from 'vitest';
import { bars } from './ivr_metrics';

describe('IVR metrics', () => {
  it('orders transfers by count and scales bars to the largest', () => {
    expect(bars({ 'card-lost': 2, balance: 4, '(none)': 1 })).toEqual([
      { key: 'balance', n: 4, share: 1 },
      { key: 'card-lost', n: 2, share: 0.5 },
      { key: '(none)', n: 1, share: 0.25 },
    ]);
    expect(bars({})).toEqual([]);
    expect(bars({ a: 0 })).toEqual([{ key: 'a', n: 0, share: 0 }]);
  });
});
