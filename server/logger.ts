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
  const base = { level, base: { app: 'zielmonitor' }, timestamp: isoTimePerMs() };
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

/**
 * pino's `isoTime` (`,"time":"2026-11-30T16:00:00.000Z"`), formatted once per millisecond: with
 * one line per request, `toISOString` was 2 % of a cached request's CPU (docs/benchmarks.md).
 */
export function isoTimePerMs(now: () => number = Date.now): () => string {
  let ms = Number.NaN;
  let text = '';
  return () => {
    const t = now();
    if (t !== ms) {
      ms = t;
      text = `,"time":"${new Date(t).toISOString()}"`;
    }
    return text;
  };
}

/** What a request's handlers log with: the levels they use, each line carrying the request id. */
export type RequestLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

/**
 * The logger of one request. pino's child logger (which writes `requestId` into every line) is
 * made only when a handler logs: most requests log nothing but their one request line, which the
 * envelope writes with the request id itself, and making a child per request was about 2 % of a
 * cached request's CPU.
 */
export function requestLogger(base: Logger, requestId: string): RequestLogger {
  let child: Logger | null = null;
  const log = () => {
    child ??= base.child({ requestId });
    return child;
  };
  return {
    info: ((...args: Parameters<Logger['info']>) => log().info(...args)) as Logger['info'],
    warn: ((...args: Parameters<Logger['warn']>) => log().warn(...args)) as Logger['warn'],
    error: ((...args: Parameters<Logger['error']>) => log().error(...args)) as Logger['error'],
  };
}

/** A logger that writes nothing (tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
