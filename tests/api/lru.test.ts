import { describe, expect, it } from 'vitest';
import { LruMap } from '../../server/goals/lru.js';

describe('LruMap (bounds the goal caches)', () => {
  it('drops the least recently used entry beyond the limit', () => {
    const m = new LruMap<string, number>(2);
    m.set('a', 1).set('b', 2);
    expect(m.get('a')).toBe(1); // a is now more recent than b
    m.set('c', 3);
    expect(m.get('b')).toBeUndefined();
    expect(m.get('a')).toBe(1);
    expect(m.get('c')).toBe(3);
    expect(m.size).toBe(2);
    expect(m.delete('a')).toBe(true);
    expect(m.size).toBe(1);
  });

  it('rejects a limit below 1', () => {
    expect(() => new LruMap(0)).toThrow(RangeError);
  });
});
