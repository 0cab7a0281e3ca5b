// Frozen in time: migrations never import app code. Edit by adding a new migration.
import type { Kysely } from 'kysely';
import { runDdl } from './ddl.js';

/**
 * People (issue 15):
 * - `users`: one row per person, from OpenID Connect (issuer + subject), the trusted proxy header,
 *   or created for personal tokens. `role` is the role an admin set by hand (NULL: from mappings).
 * - `role_mappings`: user name or group/claim value → role (edited on the admin page).
 * - `sessions`: browser sessions; only the SHA-256 of the cookie value is stored.
 * - `api_tokens`: personal tokens; only the SHA-256 of the token is stored.
 * - `login_flows`: the state, nonce and PKCE verifier of OpenID Connect sign-ins in progress.
 * - `audit_log`: every write, with who and when.
 * - `comments` + `comment_history`: notes on a goal (or indicator) and month, with their edits.
 * - `import_runs.started_by`: the person who uploaded or started an import.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // SQLite keeps its DDL; PostgreSQL gets identity keys.
  await runDdl(
    db,
    ({ id }) => `
    create table users (
      id ${id}, name text not null, email text, source text not null,
      external_id text not null unique, role text, mapped_role text,
      disabled integer not null default 0, created_at text not null, last_seen_at text,
      constraint users_source check (source in ('oidc','proxy','local')),
      constraint users_role check (role is null or role in ('viewer','controller','admin')),
      constraint users_mapped_role check (mapped_role is null or mapped_role in ('viewer','controller','admin'))
    );
    create table role_mappings (
      id ${id}, kind text not null, value text not null, role text not null,
      created_at text not null, created_by text,
      constraint role_mappings_unique unique (kind, value),
      constraint role_mappings_kind check (kind in ('user','group')),
      constraint role_mappings_role check (role in ('viewer','controller','admin'))
    );
    create table sessions (
      id ${id}, token_hash text not null unique,
      user_id integer not null references users (id) on delete cascade,
      created_at text not null, last_seen_at text not null, expires_at text not null, revoked_at text,
      address text, user_agent text
    );
    create table api_tokens (
      id ${id}, token_hash text not null unique,
      user_id integer not null references users (id) on delete cascade,
      name text not null, role text not null, created_at text not null, created_by text,
      expires_at text, last_used_at text, revoked_at text,
      constraint api_tokens_role check (role in ('viewer','controller','admin'))
    );
    create table login_flows (
      state text primary key, code_verifier text not null, nonce text not null,
      return_to text not null, created_at text not null
    );

    create table audit_log (
      id ${id}, at text not null, user_id integer, actor text not null, via text not null,
      action text not null, subject text, detail text, address text
    );
    create index audit_log_at on audit_log (at);

    create table comments (
      id ${id}, region_id text not null, goal text not null, month text not null, text text not null,
      author_id integer, author text not null, created_at text not null, edited_at text, deleted_at text,
      constraint comments_text check (length(text) between 1 and 2000)
    );
    create index comments_region_month on comments (region_id, month);
    create table comment_history (
      id ${id}, comment_id integer not null references comments (id) on delete cascade,
      text text not null, replaced_at text not null, replaced_by text not null
    );

    alter table import_runs add column started_by text;
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runDdl(
    db,
    `alter table import_runs drop column started_by;
    drop table comment_history; drop table comments; drop table audit_log; drop table login_flows;
    drop table api_tokens; drop table sessions; drop table role_mappings; drop table users;`,
  );
}
