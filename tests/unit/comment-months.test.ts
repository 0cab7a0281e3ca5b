import { expect, test } from 'vitest';
import { monthsUpTo } from '../../web/components/Comments';

test('the comment form offers the months up to the current one only (the server refuses later ones)', () => {
  const year = Array.from({ length: 12 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`);
  expect(monthsUpTo(year, '2026-06')).toEqual(year.slice(0, 6));
  expect(monthsUpTo(year, '2026-12')).toEqual(year);
  expect(monthsUpTo(year, '2025-12')).toEqual([]);
});
