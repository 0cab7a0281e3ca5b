/**
 * Checks of single URL parameters (the dashboard's state, the wall's bookmark): each returns the
 * value the text stands for, or null when the text is not one. Plain functions rather than zod
 * schemas: the schemas were built on every page load inside the main chunk's first task, and the
 * wall's chunk carried zod's classic build (docs/benchmarks.md, "Issue 13, eleventh round").
 */
export type Check<T> = (text: string) => T | null;

/** The text itself when the whole of it matches `pattern`. */
export const matching =
  (pattern: RegExp): Check<string> =>
  (text) =>
    pattern.test(text) ? text : null;

/** The text when it is one of `values`. */
export function oneOf<T extends string>(values: readonly T[]): Check<T> {
  return (text) => ((values as readonly string[]).includes(text) ? (text as T) : null);
}
