/** The wizard's count of failing cells: every cell the server counted, in German, and how many are listed. */
import { expect, test } from 'vitest';
import { ISSUES_LISTED, issueCountText } from '../../web/pages/imports/wizard-draft.js';

test.each([
  [1, '1 fehlerhafte Zelle'],
  [2, '2 fehlerhafte Zellen'],
  [50, '50 fehlerhafte Zellen'],
  [51, '51 fehlerhafte Zellen (die ersten 50 unten)'],
  // The server lists 1,000 and counts all (etl/layouts.ts issueCount).
  [1200, '1.200 fehlerhafte Zellen (die ersten 50 unten)'],
])('%i → %s', (count, text) => {
  expect(ISSUES_LISTED).toBe(50);
  expect(issueCountText(count)).toBe(text);
});
