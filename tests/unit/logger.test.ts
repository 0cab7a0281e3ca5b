/** The logger's per-millisecond timestamp and the lazily made request logger (server/logger.ts). */
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { isoTimePerMs, requestLogger } from '../../server/logger.js';

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
