import pino from 'pino';

export type Logger = pino.Logger;

/** How often buffered log lines reach stdout at the latest. */
const FLUSH_MS = 200;

/**
 * The process logger: JSON lines on stdout, one per event. `buffered` (the server) collects lines
 * and writes them at most every FLUSH_MS or per 4 KB, instead of one write() per line: with one
 * line per request that write was the largest cost of a request after the socket's own
 * (docs/benchmarks.md). Warnings and errors are written at once; the rest at the latest at exit.
 * Each batch is one synchronous write (SonicBoom, as pino writes by default): in order, retried on
 * EAGAIN and partial writes, and complete when the exit handler returns.
 */
export function createLogger(
  level: string = process.env.LOG_LEVEL ?? 'info',
  options: { buffered?: boolean } = {},
): Logger {
  if (!options.buffered) return pino(loggerOptions(level));
  const lines = new LineBatch(pino.destination({ dest: 1, sync: true, minLength: 0 }), BATCH_CHARS);
  setInterval(() => lines.flush(), FLUSH_MS).unref();
  process.once('exit', () => lines.flushSync());
  return batchedLogger(lines, level);
}

function loggerOptions(level: string): pino.LoggerOptions {
  return { level, base: { app: 'zielmonitor' }, timestamp: isoTimePerMs() };
}

/** A logger writing into `lines`, warnings and errors flushed at once (the server's, see createLogger). */
export function batchedLogger(lines: LineBatch, level = 'info'): Logger {
  const logger = pino(
    {
      ...loggerOptions(level),
      hooks: {
        logMethod(args, method, lvl) {
          method.apply(this, args);
          if (lvl >= 40) lines.flush();
        },
      },
    },
    lines,
  );
  batches.set(logger, lines);
  return logger;
}

/** The line batch of each buffered logger (`withoutRequestLines`). */
const batches = new WeakMap<Logger, LineBatch>();

/**
 * Runs `fn` with the request lines (message `request`, one per answered request) of `logger`
 * dropped, every other line kept: the server's warm-up before it listens (server/http/warm-up.ts)
 * runs the real request path, logging included, without its requests appearing in the log. For a
 * logger that is not buffered, `fn` runs with its lines as they are.
 */
export async function withoutRequestLines<T>(logger: Logger, fn: () => Promise<T>): Promise<T> {
  const lines = batches.get(logger);
  if (lines === undefined) return fn();
  lines.dropRequestLines = true;
  try {
    return await fn();
  } finally {
    lines.dropRequestLines = false;
  }
}

/** Characters of log lines collected before they go to the destination together. */
const BATCH_CHARS = 4096;

/** How pino ends a request line (server/http/envelope.ts, `logRequest`): the message comes last. */
const REQUEST_LINE_END = '"msg":"request"}\n';

/** What LineBatch needs of its destination (pino's SonicBoom). */
export interface LineSink {
  write(text: string): boolean;
  flush(cb?: (err?: Error | null) => void): void;
  flushSync(): void;
}

/**
 * Collects log lines and hands them to `sink` joined, once `minChars` have come together (or on
 * flush). SonicBoom's own minLength buffering appends each line to one string and measures that
 * whole string (Buffer.byteLength) on every write, which flattened and copied up to 4 KB per log
 * line: a sixth of a cached request's allocation (docs/benchmarks.md, issue 13, fifth round).
 * Here a line costs an array slot until the batch is joined once.
 */
export class LineBatch {
  #lines: string[] = [];
  #chars = 0;
  /** While true, request lines are dropped (`withoutRequestLines`). */
  dropRequestLines = false;

  constructor(
    private readonly sink: LineSink,
    private readonly minChars: number,
  ) {}

  write(line: string): boolean {
    if (this.dropRequestLines && line.endsWith(REQUEST_LINE_END)) return true;
    this.#lines.push(line);
    this.#chars += line.length;
    if (this.#chars >= this.minChars) this.#drain();
    return true;
  }

  /** Hands the collected lines to the sink and lets it write them. */
  flush(cb?: (err?: Error | null) => void): void {
    this.#drain();
    this.sink.flush(cb);
  }

  /** Hands the collected lines to the sink and has it write everything before returning (exit). */
  flushSync(): void {
    this.#drain();
    this.sink.flushSync();
  }

  #drain(): void {
    if (this.#lines.length === 0) return;
    const text = this.#lines.length === 1 ? (this.#lines[0] as string) : this.#lines.join('');
    this.#lines = [];
    this.#chars = 0;
    this.sink.write(text);
  }
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
