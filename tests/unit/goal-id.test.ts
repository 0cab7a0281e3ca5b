/** Goal ids are built and parsed in core/goal-id.ts only (issue 10). */
import { describe, expect, test } from 'vitest';
import { goalId, indicatorOfGoalOrIndicator, isGoalId, parseGoalId } from '../../core/goal-id.js';

describe('goal ids', () => {
  test('build and parse are inverse; other strings are not goal ids', () => {
    expect(goalId('K2', 'female')).toBe('K2-female');
    expect(parseGoalId('K2-female')).toEqual({ indicator: 'K2', gender: 'female' });
    expect(parseGoalId('PLAN_1-total')).toEqual({ indicator: 'PLAN_1', gender: 'total' });
    for (const bad of ['K2', 'K2-', '-female', 'K2-women', 'K2-female-x', '2K-total', ''])
      expect([bad, parseGoalId(bad), isGoalId(bad)]).toEqual([bad, null, false]);
  });

  test('the indicator a comment is about: of a goal id, or the whole indicator named', () => {
    expect(indicatorOfGoalOrIndicator('K2-female')).toBe('K2');
    expect(indicatorOfGoalOrIndicator('PLAN_1-male')).toBe('PLAN_1');
    expect(indicatorOfGoalOrIndicator('K3')).toBe('K3');
    // Not a goal id: taken as it is (the route then answers 404 for an unknown indicator).
    expect(indicatorOfGoalOrIndicator('K2-women')).toBe('K2-women');
  });
});
