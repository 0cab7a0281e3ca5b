/** React bindings of the wall engine: one controller per mounted wall, and the viewport's text unit. */
import { useEffect, useState, useSyncExternalStore } from 'react';

import { noteBuild } from '../lib/lazy-build';
import { createWallApi, type WallGoals, type WallSeries } from './api';
import { WallController, type WallState } from './controller';
import type { WallParams } from './params';

export type WallViewState = WallState<WallGoals, WallSeries>;

/**
 * Runs the wall engine while the component is mounted. The controller is created once (no side
 * effects in render) and started/stopped by the effect, so StrictMode's double effect and the
 * unmount both leave nothing running.
 */
export function useWallController(params: WallParams): WallViewState {
  const [controller] = useState(
    () =>
      new WallController(createWallApi(params), {
        pages: params.pages,
        intervalMs: params.intervalMs,
        pollMs: params.pollMs,
        // The build this page belongs to: a chart page's code that fails to load is fetched anew
        // or the page reloaded when the server runs another build (web/lib/lazy.ts).
        onBuild: noteBuild,
      }),
  );
  useEffect(() => {
    controller.start();
    return () => controller.stop();
  }, [controller]);
  return useSyncExternalStore(controller.subscribe, controller.getState);
}

/** 1 % of the height of the largest 16:9 box in the viewport, in px (the CSS `--u`). */
function viewportUnit(): number {
  return Math.min(window.innerHeight, (window.innerWidth * 9) / 16) / 100;
}

/** The CSS unit `--u` in px, updated on resize (for the canvas-free chart's font sizes). */
export function useViewportUnit(): number {
  const [u, setU] = useState(viewportUnit);
  useEffect(() => {
    const onResize = () => setU(viewportUnit());
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);
  return u;
}
