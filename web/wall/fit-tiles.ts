/**
 * Tiles that never cut their lines off. A tile's box is set by the grid (the screen's height less
 * the banners); when its lines need more height than that (both banners shown, a long comment, a
 * wrapped interval line), the least important lines go first, instead of the last lines being cut
 * in half: level 1 hides the forecast's interval and probability (`.wall-tile-wrap`), level 2 the
 * comment as well. The status, the figures and the forecast stay.
 */
import { type RefObject, useLayoutEffect } from 'react';

export const FIT_LEVELS = 2;

function overflows(tile: HTMLElement): boolean {
  return tile.scrollHeight > tile.clientHeight + 1;
}

/** Sets each tile's `data-fit` to the lowest level at which its lines fit (or the highest). */
export function fitTiles(root: ParentNode): void {
  for (const tile of root.querySelectorAll<HTMLElement>('.wall-tile')) {
    let level = 0;
    tile.removeAttribute('data-fit');
    while (level < FIT_LEVELS && overflows(tile)) {
      level++;
      tile.setAttribute('data-fit', String(level));
    }
  }
}

/**
 * Fits the tiles under `ref` after each change of what they show (`goals`, `comments`) and
 * whenever a tile's box changes size (resize, banners).
 */
export function useFitTiles(ref: RefObject<HTMLElement | null>, goals: unknown, comments: unknown): void {
  // biome-ignore lint/correctness/useExhaustiveDependencies: goals and comments change the tiles' lines
  useLayoutEffect(() => {
    const root = ref.current;
    if (!root) return;
    fitTiles(root);
    const ro = new ResizeObserver(() => fitTiles(root));
    for (const tile of root.querySelectorAll('.wall-tile')) ro.observe(tile);
    return () => ro.disconnect();
  }, [ref, goals, comments]);
}
