/**
 * Back to the event loop for a moment. Under Kysely's awaits the SQLite queries run synchronously,
 * so a loop over every region (derived data, alert evaluation) never lets a request in unless it
 * yields: after an import of the national file that held /api/health for seconds.
 */
export const yieldToLoop = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));
