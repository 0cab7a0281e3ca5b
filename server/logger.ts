import pino from 'pino';

export type Logger = pino.Logger;

/** The process logger: JSON lines on stdout, one per event. */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { app: 'zielmonitor' }, timestamp: pino.stdTimeFunctions.isoTime });
}

/** A logger that writes nothing (tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
