/**
 * The logger's per-millisecond timestamp, the lazily made request logger and the server's line
 * batch (server/logger.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import {
  batchedLogger,
  isoTimePerMs,
  LineBatch,
  requestLogger,
  withoutRequestLines,
} from '../../server/logger.js';

describe('isoTimePerMs', () => {
  it("writes what pino's isoTime writes, made anew when the millisecond moves on", () => {
    let now = Date.parse('2026-11-30T16:00:00.123Z');
    const time = isoTimePerMs(() => now);
    expect(time()).toBe(',"time":"2026-11-30T16:00:00.123Z"');
    expect(time()).toBe(',"time":"2026-11-30T16:00:00.123Z"');
    now += 1;
    expect(time()).toBe(',"time":"2026-11-30T16:00:00.124Z"');
    now = Date.parse('2027-01-01T00:00:00.000Z');
    expect(time()).toBe(',"time":"2027-01-01T00:00:00.000Z"');
    // The same text as pino's own function at that instant.
    const at = Date.now();
    expect(isoTimePerMs(() => at)()).toBe(`,"time":"${new Date(at).toISOString()}"`);
  });
});

describe('requestLogger', () => {
  const capture = () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l));
        cb();
      },
    });
    return { lines, base: pino({ level: 'info', base: { app: 'zielmonitor' } }, sink) };
  };

  it('makes the child logger only when a handler logs, and every line carries the request id', () => {
    const { lines, base } = capture();
    let children = 0;
    const child = base.child.bind(base);
    base.child = ((...args: Parameters<typeof base.child>) => {
      children++;
      return child(...args);
    }) as typeof base.child;
    const log = requestLogger(base, 'req-1');
    expect(children).toBe(0);
    log.info({ a: 1 }, 'eins');
    log.warn('zwei');
    log.error({ err: new Error('drei') }, 'drei');
    expect(children).toBe(1);
    expect(lines.map((l) => [l.level, l.requestId, l.msg])).toEqual([
      [30, 'req-1', 'eins'],
      [40, 'req-1', 'zwei'],
      [50, 'req-1', 'drei'],
    ]);
    expect(lines[0]?.a).toBe(1);
    expect(lines[2]?.err).toMatchObject({ message: 'drei' });
  });
});

describe("LineBatch (the server's buffered log lines)", () => {
  const line = (i: number) => `${JSON.stringify({ i, msg: 'x'.repeat(90) })}\n`;
  /** Characters of lines from..to-1 together. */
  const chars = (from: number, to: number) => {
    let n = 0;
    for (let i = from; i < to; i++) n += line(i).length;
    return n;
  };
  /** The line numbers in `file`, in order. */
  const written = (file: string) =>
    readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l).i as number);
  /**
   * Runs `body` with the server's destination (synchronous SonicBoom, no buffering of its own)
   * writing to a temporary file.
   */
  const withDestination = async (
    body: (dest: ReturnType<typeof pino.destination>, file: string) => unknown,
  ) => {
    const dir = mkdtempSync(join(tmpdir(), 'zm-log-'));
    const file = join(dir, 'out.log');
    const dest = pino.destination({ dest: file, sync: true, minLength: 0 });
    try {
      await body(dest, file);
    } finally {
      dest.end();
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('hands lines to SonicBoom together per batch, in order, and all of them on flush', () =>
    withDestination(async (dest, file) => {
      const writes: number[] = [];
      const write = dest.write.bind(dest);
      dest.write = ((text: string) => {
        writes.push(text.length);
        return write(text);
      }) as typeof dest.write;
      const batch = new LineBatch(dest, 1000);
      // Lines of 107 characters: the first batch goes out with the tenth (1,070 >= 1,000).
      for (let i = 0; i < 9; i++) batch.write(line(i));
      expect(writes).toEqual([]);
      expect(readFileSync(file, 'utf8')).toBe('');
      batch.write(line(9));
      expect(writes).toEqual([chars(0, 10)]);
      for (let i = 10; i < 13; i++) batch.write(line(i));
      expect(writes).toEqual([chars(0, 10)]);
      await new Promise<void>((resolve, reject) => batch.flush((err) => (err ? reject(err) : resolve())));
      expect(writes).toEqual([chars(0, 10), chars(10, 13)]);
      expect(written(file)).toEqual([...Array(13).keys()]);
      // A flush with nothing collected writes nothing.
      batch.flush();
      expect(writes).toEqual([chars(0, 10), chars(10, 13)]);
    }));

  it('has every collected line written when flushSync returns (the exit handler)', () =>
    withDestination((dest, file) => {
      const batch = new LineBatch(dest, 1000);
      for (let i = 0; i < 12; i++) batch.write(line(i));
      // The first ten went out as one batch; two are still collected.
      expect(readFileSync(file, 'utf8').length).toBe(chars(0, 10));
      batch.flushSync();
      expect(written(file)).toEqual([...Array(12).keys()]);
    }));

  it.each([
    ['process.exit()', 'exit', 0, 7],
    ['process.exit() after many lines (more than a pipe holds)', 'exit', 0, 3000],
    ['an uncaught exception', 'throw', 1, 7],
    ['an empty event loop', 'drain', 0, 7],
  ])('loses no line when the process ends by %s', (_label, how, status, count) => {
    const out = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'tests/ops/log-batch-probe.ts', how, String(count)],
      { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' }, maxBuffer: 16 * 1024 * 1024 },
    );
    expect(out.status, out.stderr).toBe(status);
    const lines = out.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.msg, l.i])).toEqual([...Array(count).keys()].map((i) => ['zeile', i]));
  });
});

describe('withoutRequestLines (the warm-up before the server listens)', () => {
  /** A buffered logger as the server makes it, its batch writing into `out`. */
  const collecting = () => {
    const out: string[] = [];
    const lines = new LineBatch(
      {
        write: (t) => {
          out.push(t);
          return true;
        },
        flush: () => {},
        flushSync: () => {},
      },
      0,
    );
    const logger = batchedLogger(lines);
    return {
      logger,
      lines,
      out: () =>
        out
          .join('')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l)),
    };
  };

  it("drops the request lines while it runs and keeps every other line, also a failed request's", async () => {
    const { logger, lines, out } = collecting();
    const result = await withoutRequestLines(logger, async () => {
      logger.info({ path: '/api/goals', status: 200 }, 'request');
      logger.info({ path: '/api/goals?region=%22msg%22:%22request%22' }, 'something else');
      logger.info({ err: { msg: 'request' } }, 'nested');
      logger.error({ path: '/api/goals', status: 500 }, 'request failed');
      logger.warn('a warning');
      return 42;
    });
    expect(result).toBe(42);
    logger.info({ path: '/api/goals', status: 200 }, 'request');
    expect(out().map((l) => l.msg)).toEqual([
      'something else',
      'nested',
      'request failed',
      'a warning',
      'request',
    ]);
    expect(lines.dropRequestLines).toBe(false);
  });

  it('leaves a logger without a line batch as it is', async () => {
    const out: string[] = [];
    const plain = pino(
      new Writable({
        write: (c, _e, done) => {
          out.push(String(c));
          done();
        },
      }),
    );
    await withoutRequestLines(plain, async () => plain.info('request'));
    expect(out.join('')).toContain('"msg":"request"');
  });

  it('keeps the lines again when the function throws', async () => {
    const { logger, out } = collecting();
    await expect(
      withoutRequestLines(logger, async () => {
        throw new Error('kaputt');
      }),
    ).rejects.toThrow('kaputt');
    logger.info('request');
    expect(out().map((l) => l.msg)).toEqual(['request']);
  });
});
