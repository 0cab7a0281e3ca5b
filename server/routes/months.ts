import { Hono } from 'hono';
import { listRevisions } from '../db/repositories/observations.js';
import type { AppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { exportFileName, monthRowsToCsv } from '../exports/csv.js';
import { monthRowsToXlsx } from '../exports/xlsx.js';
import { MONTH_COLUMNS, selectMonthRows } from '../goals/month-rows.js';
import type { AppEnv } from '../http/env.js';
import {
  MAX_EXPORT_ROWS,
  monthsQuery,
  planMonthsQuery,
  revisionsParam,
  revisionsQuery,
} from '../http/schemas.js';
import { validate } from '../http/validate.js';
import { planMonthsResponse } from './plan-months.js';

/** GET /api/months (JSON pages, CSV and XLSX exports) and GET /api/months/:month/revisions. */
export function monthsRoutes(deps: AppDeps, limits: { maxExportRows?: number } = {}) {
  const maxExportRows = limits.maxExportRows ?? MAX_EXPORT_ROWS;
  return (
    new Hono<AppEnv>()
      .get('/', validate('query', monthsQuery), async (c) => {
        const q = c.req.valid('query');
        const { region, rows: all } = await deps.goals.getMonths({ region: q.region });
        const rows = selectMonthRows(
          all,
          { from: q.from, to: q.to, genders: q.gender, revised: q.revised },
          q.sort ?? [],
        );
        if (q.format === 'csv' || q.format === 'xlsx') {
          if (rows.length > maxExportRows) {
            throw new ApiError(
              422,
              'export_too_large',
              `The export would have ${rows.length} rows; the limit is ${maxExportRows}. Narrow the filter (from, to, gender).`,
            );
          }
          const columns = q.columns && q.columns.length > 0 ? q.columns : [...MONTH_COLUMNS];
          const name = exportFileName(region.id, q.from, q.to, q.format, region.sample);
          const disposition = `attachment; filename="${name}"; filename*=UTF-8''${encodeURIComponent(name)}`;
          c.header('Content-Disposition', disposition);
          c.header('Cache-Control', 'no-store');
          if (q.format === 'csv') {
            c.header('Content-Type', 'text/csv; charset=utf-8');
            return c.body(monthRowsToCsv(rows, columns, region));
          }
          c.header('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
          return c.body(await monthRowsToXlsx(rows, columns, region));
        }
        const start = (q.page - 1) * q.pageSize;
        return c.json({
          region,
          total: rows.length,
          page: q.page,
          pageSize: q.pageSize,
          rows: rows.slice(start, start + q.pageSize),
        });
      })
      // The series of the plan goals (entries, spending, places) by month: table and export.
      .get('/plan', validate('query', planMonthsQuery), async (c) =>
        planMonthsResponse(c, deps, c.req.valid('query')),
      )
      .get(
        '/:month/revisions',
        validate('param', revisionsParam),
        validate('query', revisionsQuery),
        async (c) => {
          const { month } = c.req.valid('param');
          const q = c.req.valid('query');
          const regionId = q.region ?? (await deps.goals.defaultRegionId());
          if (regionId === undefined) throw new ApiError(404, 'no_data', 'No region has been loaded yet.');
          const { info } = await deps.goals.getRegionData(regionId);
          const revisions = await listRevisions(deps.db.db, {
            region: info.id,
            month,
            indicator: q.indicator,
            gender: q.gender,
          });
          return c.json({ region: info, month, revisions });
        },
      )
  );
}
