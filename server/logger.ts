import pino from 'pino';

export type Logger = pino.Logger;

/** How often buffered log lines reach stdout at the latest. */
const FLUSH_MS = 200;

/**
 * The process logger: JSON lines on stdout, one per event. `buffered` (the server) collects lines
 * and writes them at most every FLUSH_MS or per 4 KB, instead of one blocking write() per line:
 * with one line per request that write was the largest cost of a request after the socket's own
 * (docs/benchmarks.md). Warnings and errors are written at once; pino flushes the rest at exit.
 */
export function createLogger(
  level: string = process.env.LOG_LEVEL ?? 'info',
  options: { buffered?: boolean } = {},
): Logger {
  const base = { level, base: { app: 'zielmonitor' }, timestamp: pino.stdTimeFunctions.isoTime };
  if (!options.buffered) return pino(base);
  const dest = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  setInterval(() => dest.flush(), FLUSH_MS).unref();
  return pino(
    {
      ...base,
      hooks: {
        logMethod(args, method, lvl) {
          method.apply(this, args);
          if (lvl >= 40) dest.flush();
        },
      },
    },
    dest,
  );
}

/** A logger that writes nothing (tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
