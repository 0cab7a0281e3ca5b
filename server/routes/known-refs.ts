/**
 * Refuses region keys and goal references that name nothing: their shape alone ('K9-female') would
 * be stored and then match nothing (an alert, a mute, a comment), silently. Shared by the routes
 * that store such references.
 */
import type { Kysely } from 'kysely';
import { indicatorOfGoalOrIndicator } from '../../core/goal-id.js';
import { getIndicator } from '../db/repositories/indicators.js';
import { getRegion } from '../db/repositories/regions.js';
import type { Database } from '../db/schema.js';
import { ApiError } from '../errors.js';

/** 404 `region_not_found` or `indicator_not_found` for the first unknown one; 'missing' is always known. */
export async function requireKnown(
  db: Kysely<Database>,
  refs: { regions?: readonly string[]; goals?: readonly string[] },
): Promise<void> {
  for (const region of refs.regions ?? []) {
    if (!(await getRegion(db, region))) {
      throw new ApiError(404, 'region_not_found', `Unknown region: ${region}`);
    }
  }
  for (const ref of refs.goals ?? []) {
    if (ref === 'missing') continue;
    const code = indicatorOfGoalOrIndicator(ref);
    if (!(await getIndicator(db, code))) {
      throw new ApiError(404, 'indicator_not_found', `Unknown indicator ${code} in goal reference ${ref}`);
    }
  }
}
