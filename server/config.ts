/**
 * Environment configuration, validated once at start-up. Every variable is documented in
 * `.env.example` and the README; a bad value fails start-up with every bad field named.
 */
import { z } from 'zod';

const bool = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
    .optional()
    .transform((v) => (v === undefined || v === '' ? def : v === 'true' || v === '1' || v === 'yes'));

const int = (def: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return def;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max}` });
        return z.NEVER;
      }
      return n;
    });

const num = (def: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return def;
      const n = Number(v.replace(',', '.'));
      if (!Number.isFinite(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be a number from ${min} to ${max}` });
        return z.NEVER;
      }
      return n;
    });

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? null : v.trim()));

/**
 * A comma/semicolon/space separated list whose items must each pass `item` (checked per field, so
 * that one bad variable does not hide another).
 */
const list = (item: (s: string) => boolean = () => true, what = 'value') =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const items = (v ?? '')
        .split(/[,;\s]+/)
        .map((s) => s.trim())
        .filter(Boolean);
      for (const bad of items.filter((s) => !item(s))) {
        ctx.addIssue({ code: 'custom', message: `not ${what}: ${bad}` });
      }
      return items;
    });

const isEmail = (s: string) => z.email().safeParse(s).success;
const isHttpUrl = (s: string) => /^https?:\/\//.test(s) && z.url().safeParse(s).success;

export const envSchema = z.object({
  NODE_ENV: z.enum(['production', 'development', 'test']).optional().default('production'),
  HOST: z.string().optional().default('127.0.0.1'),
  PORT: int(8080, 0, 65535),
  DATABASE_PATH: z.string().optional().default('data/zielmonitor.db'),
  /** postgres://user:password@host:5432/db — set: PostgreSQL (several instances); unset: SQLite at DATABASE_PATH. */
  DATABASE_URL: optionalText.refine((v) => v === null || /^postgres(ql)?:\/\/[^\s]+$/.test(v), {
    message: 'must be a postgres:// or postgresql:// URL (or unset for SQLite)',
  }),
  /** Connections in each instance's PostgreSQL pool (an import holds two: its lock and its transaction). */
  DATABASE_POOL_SIZE: int(10, 4, 200),
  /** PostgreSQL: how often an instance that does not run the schedule and alert delivery tries to take them over. */
  LEADER_POLL_SECONDS: int(15, 1, 60),
  /** Bearer token for every write. Unset: writes are disabled. */
  ADMIN_TOKEN: optionalText.refine((v) => v === null || v.length >= 16, {
    message: 'must be at least 16 characters (or unset to disable writes)',
  }),
  PUBLIC_URL: z.url().optional().default('http://localhost:8080'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .optional()
    .default('info'),

  SCHEDULE_ENABLED: bool(true),
  SCHEDULE_CRON: z.string().optional().default('0 6 * * *'),
  SCHEDULE_TIMEZONE: z.string().optional().default('Europe/Berlin'),
  INBOX_DIR: z.string().optional().default('data/inbox'),
  ARCHIVE_DIR: z.string().optional().default('data/archive'),
  REJECTED_DIR: z.string().optional().default('data/rejected'),
  SOURCE_URLS: list(isHttpUrl, 'an http(s) URL'),
  FETCH_TIMEOUT_MS: int(30_000, 100, 600_000),
  FETCH_MAX_BYTES: int(50 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
  FETCH_RETRIES: int(3, 0, 10),
  UPLOAD_MAX_BYTES: int(20 * 1024 * 1024, 1024, 512 * 1024 * 1024),
  LOAD_SAMPLE_ON_EMPTY: bool(true),

  /** Width of the amber "at risk" band, in percentage points of change short of the target. */
  AT_RISK_BAND_PCT: num(1.0, 0, 100),
  /** Day of the month from which the BA's release of the month is expected to be loaded. */
  BA_RELEASE_DAY: int(25, 1, 28),
  /** Months between a release and the reference month it covers (3 months Wartezeit + 1). */
  BA_LAG_MONTHS: int(4, 0, 12),

  SMTP_URL: optionalText.refine((v) => v === null || /^smtps?:\/\//.test(v), {
    message: 'must start with smtp:// or smtps://',
  }),
  SMTP_HOST: optionalText,
  SMTP_PORT: int(587, 1, 65535),
  SMTP_SECURE: bool(false),
  SMTP_USER: optionalText,
  SMTP_PASSWORD: optionalText,
  SMTP_FROM: z.string().optional().default('Zielmonitor <zielmonitor@localhost>'),
  /** Simple case: everybody here follows every goal of every region. */
  ALERT_RECIPIENTS: list(isEmail, 'an e-mail address'),
  /** Per-goal lists and mutes: a JSON file (see data/alerts.example.json). */
  ALERT_CONFIG_FILE: optionalText,
  OUTBOX_DIR: z.string().optional().default('data/outbox'),
  ALERTS_ENABLED: bool(true),
  /** Day of the month by which the month the BA released that month must be loaded, or a missing-data alert goes out. */
  ALERT_MISSING_DATA_DAY: int(28, 1, 28),
  /** Longest wait between two attempts to send an alert mail (the backoff doubles from 1 minute up to this). */
  ALERT_RETRY_MAX_MINUTES: int(60, 1, 24 * 60),
});

export type Config = Readonly<z.output<typeof envSchema>>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates the environment; throws a ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  }
  return Object.freeze(parsed.data);
}

/** A config for tests: defaults, overridden by `overrides`. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_PATH: ':memory:',
    SCHEDULE_ENABLED: 'false',
    LOAD_SAMPLE_ON_EMPTY: 'false',
    LOG_LEVEL: 'silent',
    ...overrides,
  });
}
