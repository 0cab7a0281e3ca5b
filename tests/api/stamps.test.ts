/**
 * The one-statement stamps of the repositories (server/db/repositories/stamps.ts) on the dialect of
 * this run: a revoke or delete happens once, a last-seen time is written at most once a minute.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Db } from '../../server/db/connection.js';
import { createComment, deleteComment, getComment } from '../../server/db/repositories/comments.js';
import { revokeCredential, touchCredential } from '../../server/db/repositories/credentials.js';
import { createSession } from '../../server/db/repositories/sessions.js';
import { createApiToken, upsertUser } from '../../server/db/repositories/users.js';
import { get, openTestDb } from '../helpers/db.js';

const T0 = new Date('2026-03-02T10:00:00.000Z');
const later = (ms: number) => new Date(T0.getTime() + ms);

describe('stamps', () => {
  let db: Db;
  let userId: number;
  beforeAll(async () => {
    db = await openTestDb();
    userId = (
      await upsertUser(
        db.db,
        { externalId: 'u1', name: 'Ada', email: null, source: 'local', mappedRole: null },
        T0,
      )
    ).id;
  });
  afterAll(() => db.close());

  test('a session is revoked once; its last-seen time moves at most once a minute', async () => {
    const id = await createSession(
      db.db,
      { tokenHash: 'h1', userId, expiresAt: later(86_400_000).toISOString(), address: null, userAgent: null },
      T0,
    );
    const seen = async () =>
      (await get<{ last_seen_at: string }>(db, 'select last_seen_at from sessions where id = ?', id))
        ?.last_seen_at;
    await touchCredential(db.db, 'session', id, later(30_000), null);
    expect(await seen()).toBe(T0.toISOString());
    await touchCredential(db.db, 'session', id, later(61_000), null);
    expect(await seen()).toBe(later(61_000).toISOString());
    expect(await revokeCredential(db.db, 'session', id, later(70_000))).toBe(true);
    expect(await revokeCredential(db.db, 'session', id, later(80_000))).toBe(false);
    expect(await revokeCredential(db.db, 'session', id + 1000, later(80_000))).toBe(false);
    const row = await get<{ revoked_at: string }>(db, 'select revoked_at from sessions where id = ?', id);
    expect(row?.revoked_at).toBe(later(70_000).toISOString());
  });

  test('a token never used gets its first use; then at most once a minute; revoked once', async () => {
    const token = await createApiToken(
      db.db,
      { tokenHash: 'h2', userId, name: 'Skript', role: 'viewer', expiresAt: null, by: 'Ada' },
      T0,
    );
    const used = async () =>
      (
        await get<{ last_used_at: string | null }>(
          db,
          'select last_used_at from api_tokens where id = ?',
          token.id,
        )
      )?.last_used_at;
    expect(await used()).toBeNull();
    await touchCredential(db.db, 'token', token.id, later(1_000), null);
    expect(await used()).toBe(later(1_000).toISOString());
    await touchCredential(db.db, 'token', token.id, later(2_000), null);
    expect(await used()).toBe(later(1_000).toISOString());
    // Read as recent with the token: no write at all (the SQL would not move it either).
    await touchCredential(db.db, 'token', token.id, later(70_000), later(30_000).toISOString());
    expect(await used()).toBe(later(1_000).toISOString());
    expect(await revokeCredential(db.db, 'token', token.id, later(3_000))).toBe(true);
    expect(await revokeCredential(db.db, 'token', token.id, later(4_000))).toBe(false);
  });

  test('a comment is deleted once and then no longer found', async () => {
    const region = (await get<{ id: string }>(db, 'select id from regions limit 1'))?.id;
    const indicator = (await get<{ code: string }>(db, 'select code from indicators limit 1'))?.code;
    if (region === undefined || indicator === undefined) {
      await db.db
        .insertInto('regions')
        .values({
          id: 'r1',
          name: 'R',
          kind: 'jobcenter',
          comparison_type: null,
          sample: 0,
          sample_as_of: null,
        })
        .execute();
    }
    const c = await createComment(
      db.db,
      {
        region: region ?? 'r1',
        goal: indicator ?? 'K2',
        month: '2026-01',
        text: 'Hinweis',
        authorId: userId,
        author: 'Ada',
      },
      T0,
    );
    expect(await deleteComment(db.db, c.id, later(1_000))).toBe(true);
    expect(await deleteComment(db.db, c.id, later(2_000))).toBe(false);
    expect(await getComment(db.db, c.id)).toBeUndefined();
  });
});
