import { describe, expect, test } from 'vitest';

import {
  PLAN_TILES_PER_PAGE,
  parseWallParams,
  planGoalsOfPart,
  planPages,
  resolvePages,
} from '../../web/wall/params';

describe('parseWallParams', () => {
  test('an empty bookmark gives the documented defaults', () => {
    expect(parseWallParams('')).toEqual({
      region: null,
      year: null,
      intervalMs: 20_000,
      pages: { kind: 'all' },
      theme: 'dark',
      pollMs: 60_000,
      speed: 1,
      warnings: [],
    });
  });

  test('reads every parameter', () => {
    const p = parseWallParams(
      '?region=01060&year=2024&interval=30&pages=overview,K2-total,K3-female&theme=light&poll=120',
    );
    expect(p).toMatchObject({
      region: '01060',
      year: 2024,
      intervalMs: 30_000,
      pages: { kind: 'list', tokens: ['overview', 'K2-total', 'K3-female'] },
      theme: 'light',
      pollMs: 120_000,
      warnings: [],
    });
  });

  test('accepts a German decimal comma and divides times by the test speed factor', () => {
    const p = parseWallParams('interval=1,5&poll=2&speed=5');
    expect(p.intervalMs).toBe(300);
    expect(p.pollMs).toBe(400);
    expect(p.speed).toBe(5);
  });

  test('values are read without the blanks around them', () => {
    expect(
      parseWallParams('region=%2001060%20&year=%202024&theme=%20light&pages=%20K2-total%20'),
    ).toMatchObject({
      region: '01060',
      year: 2024,
      theme: 'light',
      pages: { kind: 'list', tokens: ['K2-total'] },
      warnings: [],
    });
  });

  test('"all" anywhere in pages means every page', () => {
    expect(parseWallParams('pages=overview,all').pages).toEqual({ kind: 'all' });
  });

  test.each([
    ['interval=0.5', 'interval', { intervalMs: 20_000 }],
    ['interval=abc', 'interval', { intervalMs: 20_000 }],
    ['poll=0', 'poll', { pollMs: 60_000 }],
    ['theme=blue', 'theme', { theme: 'dark' }],
    ['year=24', 'year', { year: null }],
    ['region=%3Cscript%3E', 'region', { region: null }],
    ['pages=overview,K2 total', 'pages', { pages: { kind: 'all' } }],
    ['speed=1000', 'speed', { speed: 1 }],
    ['interval=Infinity', 'interval', { intervalMs: 20_000 }],
    ['year=1999', 'year', { year: null }],
    ['pages=%2C%3B', 'pages', { pages: { kind: 'all' } }],
  ])('%s falls back to the default with a warning naming %s', (query, key, expected) => {
    const p = parseWallParams(query);
    expect(p).toMatchObject(expected);
    expect(p.warnings).toHaveLength(1);
    expect(p.warnings[0]).toMatch(new RegExp(`^${key}=.* ignoriert \\(erwartet: `));
  });
});

describe('resolvePages', () => {
  const ids = ['K2-female', 'K2-male', 'K2-total', 'K3-female', 'K3-male', 'K3-total'];

  test('all: the overview, then every goal in the server order', () => {
    const { pages, unknown } = resolvePages({ kind: 'all' }, ids);
    expect(pages.map((p) => p.key)).toEqual(['overview', ...ids.map((id) => `goal:${id}`)]);
    expect(unknown).toEqual([]);
  });

  test('a list keeps its order, drops duplicates and reports unknown goals', () => {
    const { pages, unknown } = resolvePages(
      { kind: 'list', tokens: ['K3-total', 'overview', 'K9-total', 'K3-total'] },
      ids,
    );
    expect(pages.map((p) => p.key)).toEqual(['goal:K3-total', 'overview']);
    expect(unknown).toEqual(['K9-total']);
  });

  test.each([
    [0, []],
    [1, ['plan']],
    [9, ['plan']],
    [10, ['plan:1', 'plan:2']],
    [11, ['plan:1', 'plan:2']],
    [19, ['plan:1', 'plan:2', 'plan:3']],
  ] as const)('%i plan goals: plan pages %o after the overview (at most nine tiles each)', (count, keys) => {
    const all = resolvePages({ kind: 'all' }, ids, count).pages.map((p) => p.key);
    expect(all).toEqual(['overview', ...keys, ...ids.map((id) => `goal:${id}`)]);
    const listed = resolvePages({ kind: 'list', tokens: ['plan', 'K2-total'] }, ids, count);
    expect(listed.pages.map((p) => p.key)).toEqual([...keys, 'goal:K2-total']);
    // A year without plan goals: `plan` is reported like an unknown page (the bookmark warning).
    expect(listed.unknown).toEqual(count === 0 ? ['plan'] : []);
  });

  test('the plan goals split evenly over their pages, each goal once, in order', () => {
    for (const count of [1, 5, 9, 10, 11, 17, 18, 19, 30]) {
      const goals = Array.from({ length: count }, (_, i) => i);
      const pages = planPages(count).flatMap((p) => (p.kind === 'plan' ? [p] : []));
      const parts = pages.map((p) => planGoalsOfPart(goals, p.part, p.parts));
      expect(parts.flat()).toEqual(goals);
      const sizes = parts.map((x) => x.length);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(PLAN_TILES_PER_PAGE);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    }
    expect(planGoalsOfPart([...'abcdefghijk'], 0, 2).join('')).toBe('abcdef');
    expect(planGoalsOfPart([...'abcdefghijk'], 1, 2).join('')).toBe('ghijk');
  });

  test('never leaves the screen empty: nothing known falls back to the overview', () => {
    const { pages, unknown } = resolvePages({ kind: 'list', tokens: ['K9-total'] }, ids);
    expect(pages.map((p) => p.key)).toEqual(['overview']);
    expect(unknown).toEqual(['K9-total']);
  });
});
