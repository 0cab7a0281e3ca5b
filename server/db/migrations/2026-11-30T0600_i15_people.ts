// Frozen in time: migrations never import app code. Edit by adding a new migration.
import { type Kysely, sql } from 'kysely';
import { columnTypes } from './column-types.js';

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
  const t = columnTypes(db);
  await db.schema
    .createTable('users')
    .addColumn('id', 'integer', t.id)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull().unique())
    .addColumn('role', 'text')
    .addColumn('mapped_role', 'text')
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text')
    .addCheckConstraint('users_source', sql`source in ('oidc','proxy','local')`)
    .addCheckConstraint('users_role', sql`role is null or role in ('viewer','controller','admin')`)
    .addCheckConstraint(
      'users_mapped_role',
      sql`mapped_role is null or mapped_role in ('viewer','controller','admin')`,
    )
    .execute();

  await db.schema
    .createTable('role_mappings')
    .addColumn('id', 'integer', t.id)
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addUniqueConstraint('role_mappings_unique', ['kind', 'value'])
    .addCheckConstraint('role_mappings_kind', sql`kind in ('user','group')`)
    .addCheckConstraint('role_mappings_role', sql`role in ('viewer','controller','admin')`)
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'integer', t.id)
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('address', 'text')
    .addColumn('user_agent', 'text')
    .execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'integer', t.id)
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('expires_at', 'text')
    .addColumn('last_used_at', 'text')
    .addColumn('revoked_at', 'text')
    .addCheckConstraint('api_tokens_role', sql`role in ('viewer','controller','admin')`)
    .execute();

  await db.schema
    .createTable('login_flows')
    .addColumn('state', 'text', (c) => c.primaryKey())
    .addColumn('code_verifier', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('return_to', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'integer', t.id)
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('via', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('subject', 'text')
    .addColumn('detail', 'text')
    .addColumn('address', 'text')
    .execute();
  await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();

  await db.schema
    .createTable('comments')
    .addColumn('id', 'integer', t.id)
    .addColumn('region_id', 'text', (c) => c.notNull())
    .addColumn('goal', 'text', (c) => c.notNull())
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('author_id', 'integer')
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('edited_at', 'text')
    .addColumn('deleted_at', 'text')
    .addCheckConstraint('comments_text', sql`length(text) between 1 and 2000`)
    .execute();
  await db.schema
    .createIndex('comments_region_month')
    .on('comments')
    .columns(['region_id', 'month'])
    .execute();

  await db.schema
    .createTable('comment_history')
    .addColumn('id', 'integer', t.id)
    .addColumn('comment_id', 'integer', (c) => c.notNull().references('comments.id').onDelete('cascade'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('replaced_at', 'text', (c) => c.notNull())
    .addColumn('replaced_by', 'text', (c) => c.notNull())
    .execute();

  await db.schema.alterTable('import_runs').addColumn('started_by', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('import_runs').dropColumn('started_by').execute();
  for (const t of [
    'comment_history',
    'comments',
    'audit_log',
    'login_flows',
    'api_tokens',
    'sessions',
    'role_mappings',
    'users',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
