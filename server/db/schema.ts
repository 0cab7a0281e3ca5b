/**
 * The database schema as Kysely sees it. Types match what better-sqlite3 really returns:
 * months are 'YYYY-MM' text, timestamps ISO-8601 text (UTC), flags 0/1 integers, nullable
 * columns `T | null`. This is the only place table shapes are declared.
 */
import type { Generated, Selectable } from 'kysely';

import type { AlertKind, IndicatorFormula } from '../../core/vocabulary.js';
import type {
  Better,
  Direction,
  Gender,
  GoalStatus,
  Month,
  PlanGoalKind,
  ValueFlag,
} from '../domain/types.js';

export type { AlertKind, Better, Gender, IndicatorFormula, ValueFlag };
export type ImportTrigger = 'cron' | 'cli' | 'upload' | 'api' | 'startup';
/** 'aborted': the importing process or worker died mid-run (found at the next start). */
export type ImportRunStatus = 'running' | 'success' | 'unchanged' | 'failed' | 'partial' | 'aborted';
export type ImportedFileStatus = 'imported' | 'unchanged' | 'rejected';

export interface RegionsTable {
  /** BA Jobcenter number or official regional key (Kreis Segeberg: '01060'). */
  id: string;
  name: string;
  /** 'jobcenter' | 'kreis' | 'land' | 'bund' */
  kind: string;
  /** IAB Vergleichstyp, e.g. 'IIb'; null when unknown. */
  comparison_type: string | null;
  /** 1 when the region's data are synthetic sample data. */
  sample: number;
  /** For sample data: the month the sample claims to be current ('YYYY-MM'). */
  sample_as_of: Month | null;
}

export interface IndicatorsTable {
  /** 'INT', 'ELB', 'LZB', 'K2', 'K3', 'K2E4', ... */
  code: string;
  /** German name shown to people. */
  name: string;
  /** 'count' | 'percent' */
  unit: string;
  formula: IndicatorFormula;
  /**
   * For `rate`: the count summed over the months (e.g. INT). For `stock`: the stock (e.g. LZB).
   * For `published`: the computed indicator it should agree with (e.g. 'K2').
   */
  numerator_code: string | null;
  /** For `rate`: the stock averaged as denominator (e.g. ELB). */
  denominator_code: string | null;
  better: Better | null;
  description: string | null;
  /** For a spending series (unit `eur`): the series of its commitments (Bindungen), e.g. 'EGT_BIND'. */
  commitments_code: string | null;
}

/**
 * One value per (region_id, month, indicator_code, gender), the key of the row (SQLite: the
 * primary key of a WITHOUT ROWID table; PostgreSQL keeps an unused identity column beside it).
 */
export interface ObservationsTable {
  region_id: string;
  indicator_code: string;
  gender: Gender;
  month: Month;
  /** NULL when the source had a marker instead of a number (see `flag`). */
  value: number | null;
  flag: ValueFlag | null;
  source_file_id: number | null;
  loaded_at: string;
  /** How many times an import changed this value after it was first loaded. */
  revision_count: number;
  /** 1 when the BA marked the value provisional (hochgerechnet); a final value replaces it later. */
  provisional: number;
}

export interface RevisionsTable {
  id: Generated<number>;
  /** The observation changed: its key. */
  region_id: string;
  indicator_code: string;
  gender: Gender;
  month: Month;
  old_value: number | null;
  old_flag: ValueFlag | null;
  new_value: number | null;
  new_flag: ValueFlag | null;
  changed_at: string;
  source_file_id: number | null;
  import_run_id: number | null;
  old_provisional: number;
  new_provisional: number;
}

/** Another key of a region: the BA Jobcenter id (`t11522`) beside the Kreis key (`01060`). */
export interface RegionAliasesTable {
  alias: string;
  region_id: string;
  /** 'directory' (from the Jobcenter directory), 'file' (seen in a file), 'setup', 'manual'. */
  source: string;
}

/** The BA's directory of Jobcenters (data/reference/ba-jobcenters.csv). */
export interface JobcentersTable {
  /** BA id, `t` + five digits. */
  id: string;
  /** The BA's label, e.g. 'Segeberg, JC'. */
  name_ba: string;
  /** Derived (not official) key and name of the Kreis. */
  kreis_ags: string | null;
  kreis_name: string | null;
}

/** A file layout mapped in the import wizard (spec: JSON, see etl/wizard-mapping.ts). */
export interface ImportMappingsTable {
  id: Generated<number>;
  name: string;
  /** File-name glob, e.g. `jc-eckwerte-*-xlsx.xlsx`. */
  pattern: string;
  spec: string;
  created_at: string;
  updated_at: string;
  updated_by: string | null;
}

export interface TargetsTable {
  id: Generated<number>;
  region_id: string;
  year: number;
  indicator_code: string;
  gender: Gender;
  /** Planned relative change against the previous year in percent (1.1 means +1.1 %). */
  target_change_pct: number;
  better: Better;
  /** Where the target comes from, e.g. 'AIP 2024, Tabelle 3: Integrationsquote der Frauen + 1,1 %'. */
  source: string | null;
  updated_at: string;
  updated_by: string | null;
}

/** A plan goal of the AIP beyond Tabelle 3: a count, money or places against an annual plan. */
export interface PlanTargetsTable {
  id: Generated<number>;
  region_id: string;
  year: number;
  /** The base series tracked, e.g. 'EIN_FBW', 'EGT_IST', 'BELEGT_AC' (its unit: count, eur, places). */
  indicator_code: string;
  kind: PlanGoalKind;
  /** The annual plan: 250 entries, 6400000 (€), 140 places. */
  plan_value: number;
  better: Direction;
  /** Deviation from the path (percent of the path) still counted as im Ziel. */
  tolerance_pct: number;
  /** Width of the gefährdet band beyond the tolerance; NULL: AT_RISK_BAND_PCT. */
  band_pct: number | null;
  profile: 'pro_rata' | 'last_year' | 'explicit';
  /** For `explicit`: 12 monthly weights as a JSON array. */
  profile_weights: string | null;
  source: string | null;
  updated_at: string;
  updated_by: string | null;
}

export interface PlanTargetHistoryTable {
  id: Generated<number>;
  plan_target_id: number;
  old_plan_value: number | null;
  new_plan_value: number;
  changed_at: string;
  changed_by: string | null;
  source: string | null;
}

export interface TargetHistoryTable {
  id: Generated<number>;
  target_id: number;
  old_change_pct: number | null;
  new_change_pct: number;
  changed_at: string;
  changed_by: string | null;
  source: string | null;
}

export interface ImportRunsTable {
  id: Generated<number>;
  started_at: string;
  finished_at: string | null;
  trigger: ImportTrigger;
  status: ImportRunStatus;
  files_count: number;
  rows_inserted: number;
  rows_updated: number;
  rows_unchanged: number;
  error: string | null;
  /** Who uploaded or started the run (null: the schedule, the CLI, or before issue 15). */
  started_by: string | null;
}

export interface ImportedFilesTable {
  id: Generated<number>;
  run_id: number;
  /** Path, URL or upload name. */
  path: string;
  sha256: string;
  size: number;
  status: ImportedFileStatus;
  rows_inserted: number;
  rows_updated: number;
  rows_unchanged: number;
  error: string | null;
  sample: number;
  imported_at: string;
}

/** Small key/value store: `data_version` (bumped by every import that changed data), ... */
export interface MetaTable {
  key: string;
  value: string;
}

export interface Database {
  regions: RegionsTable;
  indicators: IndicatorsTable;
  observations: ObservationsTable;
  revisions: RevisionsTable;
  targets: TargetsTable;
  target_history: TargetHistoryTable;
  plan_targets: PlanTargetsTable;
  plan_target_history: PlanTargetHistoryTable;
  import_runs: ImportRunsTable;
  imported_files: ImportedFilesTable;
  meta: MetaTable;
  region_aliases: RegionAliasesTable;
  jobcenters: JobcentersTable;
  import_mappings: ImportMappingsTable;
  alert_state: AlertStateTable;
  alerts: AlertsTable;
  alert_digests: AlertDigestsTable;
  alert_deliveries: AlertDeliveriesTable;
  alert_mutes: AlertMutesTable;
  alert_recipients: AlertRecipientsTable;
  region_summaries: RegionSummariesTable;
  goal_snapshots: GoalSnapshotsTable;
  backtest_pools: BacktestPoolsTable;
  users: UsersTable;
  role_mappings: RoleMappingsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  login_flows: LoginFlowsTable;
  audit_log: AuditLogTable;
  comments: CommentsTable;
  comment_history: CommentHistoryTable;
}

/** Per region how much data it has, rebuilt once per data version (see goals/summaries). */
export interface RegionSummariesTable {
  region_id: string;
  /** meta.data_version the row was built from. */
  data_version: string;
  observations: number;
  first_month: Month | null;
  last_month: Month | null;
  /** Latest month with INT, ELB and LZB (total) all present. */
  latest_data_month: Month | null;
  /** Latest loaded_at of the region's observations. */
  loaded_at: string | null;
}

/** A region's goals at its latest data month, computed once per data version (goals/snapshot). */
export interface GoalSnapshotsTable {
  region_id: string;
  /** `<data_version>:<format>`: rows of another key are outdated. */
  snapshot_key: string;
  year: number;
  data_month: Month | null;
  /** The goal objects as JSON (GoalEvaluation[]). */
  body: string;
}

/**
 * The forecast backtest cases of one pool, indicator, gender and origin month, stored once per
 * data version (goals/backtest-cache): JSON arrays in the order the cases were computed.
 */
export interface BacktestPoolsTable {
  /** `<data_version>:<format>:<build id>`; meta.backtest_build names the build served. */
  build_key: string;
  /** 1 for sample regions (pooled apart from real ones). */
  sample: number;
  indicator_code: string;
  gender: Gender;
  origin_month: number;
  cases: number;
  /** JSON number[]: each case's year. */
  years: string;
  /** JSON number[]: each case's error, actual − forecast (percentage points). */
  errors: string;
  /** JSON { regions: string[], actual: number[], forecast: number[], naive: number[] }. */
  detail: string;
}

export type AlertState = 'pending' | 'sent' | 'failed';
export type AlertGoalStatus = GoalStatus;

/** The last status announced (or taken as baseline) per goal; alerts fire on changes of it. */
export interface AlertStateTable {
  region_id: string;
  year: number;
  /** GoalSpec id, e.g. 'K2-female'. */
  goal_id: string;
  last_status: AlertGoalStatus;
  last_data_month: Month;
  /** meta.data_version at that evaluation (text integer). */
  last_data_version: string;
  updated_at: string;
}

/** One alert per key; the UNIQUE key is what makes "never twice" hold. */
export interface AlertsTable {
  id: Generated<number>;
  /** `region|goal|dataMonth|status`, or `region|missing|month` for missing data. */
  key: string;
  kind: AlertKind;
  region_id: string;
  goal_id: string | null;
  year: number | null;
  data_month: Month;
  status: AlertGoalStatus | null;
  previous_status: AlertGoalStatus | null;
  /** One line in German naming the change. */
  subject: string;
  /** The change as plain text (the block the digest mails carry). */
  body: string;
  /** JSON array of e-mail addresses. */
  recipients: string;
  trigger: string;
  /** Aggregate of its digests: sent when every digest was accepted, failed when one failed. */
  state: AlertState;
  attempts: number;
  last_error: string | null;
  next_attempt_at: string | null;
  created_at: string;
  sent_at: string | null;
  /** Message-ID(s) of the digest mail(s) that carried it, space-separated. */
  message_id: string | null;
}

/** One mail to one recipient, rendered once and stored so a retry sends the same message. */
export interface AlertDigestsTable {
  id: Generated<number>;
  recipient: string;
  subject: string;
  body_text: string;
  body_html: string;
  /** `<sha256(keys + recipient)@zielmonitor>` */
  message_id: string;
  state: AlertState;
  attempts: number;
  last_error: string | null;
  next_attempt_at: string;
  created_at: string;
  sent_at: string | null;
  smtp_response: string | null;
}

export interface AlertDeliveriesTable {
  alert_id: number;
  digest_id: number;
}

export interface AlertMutesTable {
  id: Generated<number>;
  /** A goal id ('K2-female'), an indicator ('K2': every gender) or 'missing' (missing-data alerts). */
  goal: string;
  /** NULL: every region. */
  region_id: string | null;
  /** Last muted day, 'YYYY-MM-DD' (inclusive, Europe/Berlin). */
  until: string;
  reason: string | null;
  created_at: string;
  created_by: string | null;
}

/** A recipient added on the Hinweise page (ALERT_RECIPIENTS and the configuration file add more). */
export interface AlertRecipientsTable {
  id: Generated<number>;
  /** Unique case-insensitively. */
  email: string;
  name: string | null;
  /** JSON array of region ids followed; NULL: every region. */
  regions: string | null;
  /** JSON array of goal references ('K2-female', 'K3', 'missing'); NULL: every goal. */
  goals: string | null;
  created_at: string;
  created_by: string | null;
}

export type Region = Selectable<RegionsTable>;
export type Indicator = Selectable<IndicatorsTable>;
export type Target = Selectable<TargetsTable>;
export type PlanTarget = Selectable<PlanTargetsTable>;

// ---------------------------------------------------------------------------------------------
// People (issue 15)

export type Role = 'viewer' | 'controller' | 'admin';
export type UserSource = 'oidc' | 'proxy' | 'local';

export interface UsersTable {
  id: Generated<number>;
  /** Display name (OIDC `name`, the proxy user, or the name given for a local user). */
  name: string;
  email: string | null;
  source: UserSource;
  /** Unique per person: `oidc:<issuer>|<sub>`, `proxy:<user>`, `local:<name>`. */
  external_id: string;
  /** Role an admin set by hand; NULL: the role comes from the mappings. */
  role: Role | null;
  /**
   * Role from the mappings: set at sign-in, and worked out again for everyone from `claims` when
   * an admin changes the role mappings.
   */
  mapped_role: Role | null;
  /** JSON `{ userNames, groups }` of the last OIDC sign-in (NULL: not known). */
  claims: string | null;
  disabled: number;
  created_at: string;
  last_seen_at: string | null;
}

export interface RoleMappingsTable {
  id: Generated<number>;
  /** 'user': a user name (proxy user or OIDC preferred_username); 'group': a claim/group value. */
  kind: 'user' | 'group';
  value: string;
  role: Role;
  created_at: string;
  created_by: string | null;
}

export interface SessionsTable {
  id: Generated<number>;
  /** SHA-256 (hex) of the cookie value; the value itself is never stored. */
  token_hash: string;
  user_id: number;
  created_at: string;
  last_seen_at: string;
  /** Absolute end of the session. */
  expires_at: string;
  revoked_at: string | null;
  address: string | null;
  user_agent: string | null;
}

export interface ApiTokensTable {
  id: Generated<number>;
  /** SHA-256 (hex) of the token; the token itself is shown once and never stored. */
  token_hash: string;
  user_id: number;
  name: string;
  role: Role;
  created_at: string;
  created_by: string | null;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface LoginFlowsTable {
  state: string;
  code_verifier: string;
  nonce: string;
  return_to: string;
  created_at: string;
  /** SHA-256 of the login cookie of the browser that started the sign-in (NULL: before it existed). */
  browser_hash: string | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  user_id: number | null;
  /** The person's name at the time (or 'ADMIN_TOKEN'). */
  actor: string;
  /** How the person was signed in: 'session' | 'token' | 'proxy' | 'admin_token' | 'cli'. */
  via: string;
  /** e.g. 'import.upload', 'target.update', 'comment.create', 'token.revoke'. */
  action: string;
  /** What was written, e.g. '01060 K2-female 2024-09' or 'token 4'. */
  subject: string | null;
  /** JSON with the details (never a secret). */
  detail: string | null;
  address: string | null;
}

export interface CommentsTable {
  id: Generated<number>;
  region_id: string;
  /** A goal id ('K2-female') or a whole indicator ('K2'). */
  goal: string;
  month: string;
  /** Plain text, 1..2,000 characters; never rendered as HTML. */
  text: string;
  author_id: number | null;
  author: string;
  created_at: string;
  edited_at: string | null;
  deleted_at: string | null;
}

export interface CommentHistoryTable {
  id: Generated<number>;
  comment_id: number;
  /** The text before the edit. */
  text: string;
  replaced_at: string;
  replaced_by: string;
}

export type User = Selectable<UsersTable>;
export type ApiToken = Selectable<ApiTokensTable>;
export type Comment = Selectable<CommentsTable>;
