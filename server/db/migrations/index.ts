import type { Migration } from 'kysely';
import * as m0001 from './2026-11-26T0100_initial.js';
import * as m0002 from './2026-11-26T0200_alerts.js';
import * as i13GoalCache from './2026-11-30T0500_i13_goal_cache.js';
import * as mI16 from './2026-11-30T0500_i16_plan_goals.js';
import * as mI14 from './2026-11-30T0600_i14_provisional_aliases.js';
import * as mI15 from './2026-11-30T0600_i15_people.js';
import * as i13bBacktestPools from './2026-11-30T0800_i13b_backtest_pools.js';
import * as i13cObservationsByKey from './2026-12-01T0600_i13c_observations_by_key.js';
import * as mI16b from './2026-12-03T0600_i16b_training_goals.js';
import * as revisionsByFile from './2026-12-03T0700_revisions_by_file.js';
import * as alertRecipients from './2026-12-03T1300_alert_recipients.js';
import * as signInClaims from './2026-12-04T0500_sign_in_claims.js';

/**
 * All migrations, in order. Names are timestamps so that they sort; add new ones at the end.
 * A static list (not a folder scan) so that it works the same under tsx, vitest and a bundle.
 */
export const migrations: Record<string, Migration> = {
  '2026-11-26T0100_initial': m0001,
  '2026-11-26T0200_alerts': m0002,
  '2026-11-30T0500_i13_goal_cache': i13GoalCache,
  '2026-11-30T0500_i16_plan_goals': mI16,
  '2026-11-30T0600_i14_provisional_aliases': mI14,
  '2026-11-30T0600_i15_people': mI15,
  '2026-11-30T0800_i13b_backtest_pools': i13bBacktestPools,
  '2026-12-01T0600_i13c_observations_by_key': i13cObservationsByKey,
  '2026-12-03T0600_i16b_training_goals': mI16b,
  '2026-12-03T0700_revisions_by_file': revisionsByFile,
  '2026-12-03T1300_alert_recipients': alertRecipients,
  '2026-12-04T0500_sign_in_claims': signInClaims,
};
