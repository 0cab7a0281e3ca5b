/**
 * Checks of the wall display run inside the page (real layout, real computed styles), shared by
 * tests/e2e/wall*.test.ts and bench/wall.ts.
 */
import type { Page } from 'playwright-core';

/** Smallest allowed text: 24 px at 1080 lines, scaled with the screen height (48 px at 4K). */
export function minFontPx(viewportHeight: number): number {
  return (24 * viewportHeight) / 1080;
}

export interface LayoutReport {
  viewport: { width: number; height: number };
  scroll: { width: number; height: number };
  /** Elements whose box leaves the viewport. */
  outside: string[];
  /** Text elements below the minimum size. */
  small: string[];
  /** Text cut off by overflow (an ellipsis or a clipped box). */
  truncated: string[];
  /** Text whose contrast against its background is below 4.5:1. */
  lowContrast: string[];
  /** Number of visible text elements checked (HTML and SVG). */
  textElements: number;
  smallestFontPx: number;
}

/**
 * Walks every visible element: box inside the viewport, font size of text ≥ minPx, no truncated
 * text and no box that clips its content (a tile whose last lines are cut off), text contrast ≥ 4.5:1 against the nearest opaque background (SVG text: its fill).
 */
export async function checkLayout(page: Page, minPx: number): Promise<LayoutReport> {
  // tsx (esbuild keepNames) wraps the inner helpers below in `__name(...)`, which does not exist in
  // the page; a string is passed through untouched.
  await page.evaluate('globalThis.__name ??= (f) => f');
  return page.evaluate((min) => {
    const vw = window.innerWidth;
    const vh = window.innerHeight;
    const outside: string[] = [];
    const small: string[] = [];
    const truncated: string[] = [];
    const lowContrast: string[] = [];
    let textElements = 0;
    let smallestFontPx = Number.POSITIVE_INFINITY;

    const name = (el: Element) => {
      const cls = el.getAttribute('class');
      const text = (el.textContent ?? '').trim().slice(0, 40);
      return `${el.tagName.toLowerCase()}${cls ? `.${cls.split(/\s+/).join('.')}` : ''} "${text}"`;
    };
    const rgb = (c: string): [number, number, number, number] | null => {
      const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/.exec(c);
      return m ? [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])] : null;
    };
    const lum = ([r, g, b]: [number, number, number, number]) => {
      const ch = (v: number) => {
        const s = v / 255;
        return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b);
    };
    const background = (el: Element): [number, number, number, number] => {
      for (let e: Element | null = el; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c && c[3] === 1) return c;
      }
      return [255, 255, 255, 1];
    };

    for (const el of document.querySelectorAll('body *')) {
      const cs = getComputedStyle(el);
      if (cs.display === 'none' || cs.visibility === 'hidden' || Number(cs.opacity) === 0) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (el.closest('defs, clipPath')) continue;
      if (r.left < -0.5 || r.top < -0.5 || r.right > vw + 0.5 || r.bottom > vh + 0.5) {
        outside.push(
          `${name(el)} at ${Math.round(r.left)},${Math.round(r.top)}–${Math.round(r.right)},${Math.round(r.bottom)}`,
        );
      }
      // A box that clips (overflow hidden) and holds more than it shows: a tile's last lines cut off.
      if (
        el instanceof HTMLElement &&
        cs.overflow !== 'visible' &&
        (el.textContent ?? '').trim() !== '' &&
        (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 2)
      ) {
        truncated.push(`${name(el)} clips ${el.scrollHeight - el.clientHeight} px`);
      }
      const ownText = [...el.childNodes].some(
        (n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim() !== '',
      );
      if (!ownText) continue;
      textElements++;
      const size = Number.parseFloat(cs.fontSize);
      smallestFontPx = Math.min(smallestFontPx, size);
      if (size < min) small.push(`${name(el)} ${cs.fontSize}`);
      if (
        el instanceof HTMLElement &&
        (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 2)
      ) {
        if (cs.overflow !== 'visible' || cs.textOverflow === 'ellipsis') truncated.push(name(el));
      }
      const isSvg = el instanceof SVGElement;
      const fg = rgb(isSvg ? cs.fill : cs.color);
      if (fg && fg[3] === 1) {
        const l1 = lum(fg);
        const l2 = lum(background(el));
        const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
        if (ratio < 4.5) lowContrast.push(`${name(el)} ${ratio.toFixed(2)}:1`);
      }
    }
    return {
      viewport: { width: vw, height: vh },
      scroll: { width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight },
      outside,
      small,
      truncated,
      lowContrast,
      textElements,
      smallestFontPx,
    };
  }, minPx);
}

/** The wall's state as its root element exposes it. */
export async function wallState(page: Page) {
  return page.evaluate(() => {
    const root = document.querySelector('main.wall');
    return {
      page: root?.getAttribute('data-page') ?? null,
      rotations: Number(root?.getAttribute('data-rotations') ?? Number.NaN),
      dataVersion: root?.getAttribute('data-data-version') ?? null,
      offline: root?.getAttribute('data-offline') === 'true',
    };
  });
}

/**
 * Waits until the wall has shown at least `n` pages after the first. Polls from Node rather than
 * with page.waitForFunction, whose in-page polling keeps state in the page's heap for as long as
 * it waits (it would blur the long-run memory figures).
 */
export async function waitForRotations(page: Page, n: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = Number((await page.getAttribute('main.wall', 'data-rotations')) ?? Number.NaN);
    if (value >= n) return;
    if (Date.now() > deadline)
      throw new Error(`wall: ${value} rotations after ${timeoutMs} ms, expected ${n}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
