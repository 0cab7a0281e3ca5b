/**
 * Environment configuration, validated once at start-up. Every variable is documented in
 * `.env.example` and the README; a bad value fails start-up with every bad field named.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { IMPORT_WORKER_HEAP_MB, type ImportLimits } from '../core/limits.js';

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
const isAddressOrCidr = (s: string) => {
  const [addr, bits, extra] = s.split('/');
  if (extra !== undefined || addr === undefined || isIP(addr) === 0) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d+$/.test(bits) && n <= (isIP(addr) === 4 ? 32 : 128);
};
const isHttpUrl = (s: string) => /^https?:\/\//.test(s) && z.url().safeParse(s).success;

export const envSchema = z.object({
  NODE_ENV: z.enum(['production', 'development', 'test']).optional().default('production'),
  HOST: z.string().optional().default('127.0.0.1'),
  PORT: int(8080, 0, 65535),
  DATABASE_PATH: z.string().optional().default('data/zielmonitor.db'),
  /**
   * SQLite page cache of the server's (and the command line's) connection, in MB: about SQLite's
   * own default (2,000 KiB). The kernel caches the file anyway, and the server answers from its
   * own caches and the stored goals; better-sqlite3's default of 16 MB held 12–14 MB more RSS
   * under the bench's full scenario, at the same fresh-server times (docs/benchmarks.md).
   * Imports write through their own connection with 16 MB.
   */
  SQLITE_CACHE_MB: int(2, 1, 1024),
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

  /** Heap limit of the import worker process; a file needing more is rejected, the server lives on. */
  IMPORT_WORKER_MAX_MB: int(
    IMPORT_WORKER_HEAP_MB.default,
    IMPORT_WORKER_HEAP_MB.min,
    IMPORT_WORKER_HEAP_MB.max,
  ),
  /** How long a write waits (asynchronously) for a database busy with an import before 503. */
  DB_BUSY_WAIT_MS: int(10_000, 0, 120_000),
  /** Limits of one import file (a file past one is rejected with the limit named). */
  XLSX_MAX_UNPACKED_MB: int(200, 1, 4096),
  XLSX_MAX_SHEETS: int(50, 1, 1000),
  XLSX_MAX_ROWS: int(100_000, 10, 1_048_576),
  XLSX_MAX_COLUMNS: int(1000, 10, 16_384),
  XLSX_MAX_CELLS: int(2_000_000, 1000, 50_000_000),
  CSV_MAX_ROWS: int(2_000_000, 10, 100_000_000),
  CSV_MAX_LINE_CHARS: int(1_000_000, 100, 100_000_000),
  MAX_CELL_CHARS: int(10_000, 100, 10_000_000),

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

  // People (issue 15): see docs/decisions/015-people-and-auth.md
  /** Reading without sign-in (the intranet and the wall). Writes always need a person. */
  ANONYMOUS_READ: bool(true),
  /** Minutes without a request after which a browser session ends. */
  SESSION_IDLE_MINUTES: int(120, 1, 7 * 24 * 60),
  /** Hours after sign-in after which a browser session ends, active or not. */
  SESSION_MAX_HOURS: int(12, 1, 24 * 30),
  /** Wrong tokens or failed sign-ins per address and minute before 429. */
  AUTH_MAX_FAILURES_PER_MINUTE: int(10, 1, 1000),
  /** OIDC sign-ins started per address and minute before 429 (each keeps a row for 10 minutes). */
  AUTH_MAX_LOGIN_STARTS_PER_MINUTE: int(30, 1, 10_000),
  /**
   * Days after an OIDC person's last sign-in after which their personal tokens act at most as
   * viewer (group changes at the provider are seen only at a sign-in); 0: no limit.
   */
  TOKEN_REVALIDATE_DAYS: int(30, 0, 3650),
  /** OpenID Connect issuer (discovery at <issuer>/.well-known/openid-configuration). Unset: no OIDC. */
  OIDC_ISSUER: optionalText.refine((v) => v === null || isHttpUrl(v), { message: 'must be an http(s) URL' }),
  OIDC_CLIENT_ID: optionalText,
  /** Unset: a public client (PKCE only, no client secret). */
  OIDC_CLIENT_SECRET: optionalText,
  OIDC_SCOPES: z.string().optional().default('openid profile email'),
  /** The ID-token claim holding groups or roles (a string or a list of strings). */
  OIDC_ROLE_CLAIM: z.string().optional().default('groups'),
  /** Claim value → role, e.g. `zm-admins=admin,controlling=controller`. */
  OIDC_ROLE_MAP: list((s) => /^[^=]+=(viewer|controller|admin)$/.test(s), 'value=viewer|controller|admin'),
  /** Header a trusted reverse proxy sets to the signed-in user (e.g. X-Remote-User). Unset: off. */
  AUTH_PROXY_HEADER: optionalText,
  /** Addresses or CIDR ranges the proxy header is accepted from (e.g. 10.0.0.5, 10.1.0.0/16). */
  AUTH_PROXY_TRUSTED: list(isAddressOrCidr, 'an IP address or CIDR range'),
  /** JSON file mapping user names and groups to roles: {"users":{"mueller":"admin"},"groups":{...}}. */
  ROLE_MAP_FILE: optionalText,
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

/** For command-line tools: the config, or the problems on stderr and exit code 2. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
}

/** The parser limits of a config. */
export function importLimits(config: Config): ImportLimits {
  return {
    xlsxMaxUnpackedBytes: config.XLSX_MAX_UNPACKED_MB * 1024 * 1024,
    xlsxMaxSheets: config.XLSX_MAX_SHEETS,
    xlsxMaxRows: config.XLSX_MAX_ROWS,
    xlsxMaxColumns: config.XLSX_MAX_COLUMNS,
    xlsxMaxCells: config.XLSX_MAX_CELLS,
    csvMaxRows: config.CSV_MAX_ROWS,
    csvMaxLineChars: config.CSV_MAX_LINE_CHARS,
    maxCellChars: config.MAX_CELL_CHARS,
  };
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
