/** The wall's layout report as the tests require it: nothing scrolls, leaves, shrinks or is cut. */
import { expect } from 'vitest';
import type { LayoutReport } from './wall-checks';

export function expectClean(report: LayoutReport): void {
  expect(report.scroll.width).toBeLessThanOrEqual(report.viewport.width);
  expect(report.scroll.height).toBeLessThanOrEqual(report.viewport.height);
  expect(report.outside).toEqual([]);
  expect(report.small).toEqual([]);
  expect(report.truncated).toEqual([]);
  expect(report.lowContrast).toEqual([]);
}
