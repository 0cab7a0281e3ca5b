/** The comments an alert mail quotes: those on the goal (or its whole indicator) for the data month. */
import type { Kysely } from 'kysely';
import { listComments } from '../db/repositories/comments.js';
import type { Database } from '../db/schema.js';
import type { AlertComment } from './compose.js';

export async function monthComments(
  db: Kysely<Database>,
  region: string,
  goalId: string,
  month: string,
): Promise<AlertComment[]> {
  const comments = await listComments(db, { region, goal: goalId, month });
  return comments.map((c) => ({ author: c.author, text: c.text }));
}
