/** The answer of GET /api/months/plan: JSON rows, or the CSV/XLSX download. */
import type { Context } from 'hono';
import type { AppDeps } from '../deps.js';
import type { Month } from '../domain/types.js';
import { ApiError } from '../errors.js';
import { planExportFileName, planRowsToCsv, planRowsToXlsx } from '../exports/plan.js';
import { planMonthRows } from '../goals/plan-rows.js';
import type { AppEnv } from '../http/env.js';

export async function planMonthsResponse(
  c: Context<AppEnv>,
  deps: AppDeps,
  q: {
    region?: string | undefined;
    from?: Month | undefined;
    to?: Month | undefined;
    format: 'json' | 'csv' | 'xlsx';
  },
) {
  const regionId = q.region ?? (await deps.goals.defaultRegionId());
  if (regionId === undefined) throw new ApiError(404, 'no_data', 'No region has been loaded yet.');
  const { info } = await deps.goals.getRegionData(regionId);
  const data = await planMonthRows(deps.db.db, regionId, { from: q.from, to: q.to });
  if (q.format === 'json') return c.json({ region: info, ...data });
  const name = planExportFileName(info.id, q.format, info.sample);
  c.header(
    'Content-Disposition',
    `attachment; filename="${name}"; filename*=UTF-8''${encodeURIComponent(name)}`,
  );
  c.header('Cache-Control', 'no-store');
  if (q.format === 'csv') {
    c.header('Content-Type', 'text/csv; charset=utf-8');
    return c.body(planRowsToCsv(data, info));
  }
  c.header('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  return c.body(await planRowsToXlsx(data, info));
}
