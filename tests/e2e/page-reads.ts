/**
 * What a browser test reads off a page, shared by the Hinweise page's tests (mutes, recipients):
 * a table's visible cells and the focused element.
 */
import type { Page } from 'playwright-core';

/** The visible text of each cell of the table `testId` (screen-reader-only text left out). */
export function tableCells(page: Page, testId: string): Promise<string[][]> {
  return page.$$eval(`[data-testid="${testId}"] tbody tr`, (rows) =>
    rows.map((r) =>
      Array.from(r.children).map((cell) => {
        const copy = cell.cloneNode(true);
        if (copy instanceof Element) for (const h of copy.querySelectorAll('.visually-hidden')) h.remove();
        return (copy.textContent ?? '').replace(/\s+/g, ' ').trim();
      }),
    ),
  );
}

/** What the focused element is: its tag and its name (aria-label, label, or text). */
export function focused(page: Page): Promise<{ tag: string; name: string }> {
  return page.evaluate(() => {
    const a = document.activeElement;
    if (!a) return { tag: '', name: '' };
    const label = a.id ? document.querySelector(`label[for="${a.id}"]`)?.textContent : null;
    return {
      tag: a.tagName.toLowerCase(),
      name: (a.getAttribute('aria-label') ?? label ?? a.textContent ?? '').trim(),
    };
  });
}
