/**
 * The zod schemas of every API input. The routes validate with them and the OpenAPI description
 * is generated from them, so the documentation cannot drift from what the server accepts.
 */
import { z } from 'zod';
import { isGoalId } from '../../core/goal-id.js';
import { isMonth, type Month } from '../../core/months.js';
import { REGION_ID_MAX_LENGTH, REGION_ID_RE } from '../../core/region-id.js';
import { ONE_LINE_RE } from '../../core/text.js';
import { GENDERS } from '../domain/types.js';
import { MONTH_COLUMNS, SORTABLE_COLUMNS } from '../goals/month-rows.js';

export const MAX_EXPORT_ROWS = 100_000;

export const regionId = z
  .string()
  .trim()
  .min(1)
  .max(REGION_ID_MAX_LENGTH)
  .regex(REGION_ID_RE, 'must be a region key (letters, digits, "_", "-", ".")')
  .describe('Region key (BA Jobcenter number or official regional key, e.g. 01060)');

/** The years the API answers for (`year`); a month outside them names nothing it holds. */
const FIRST_YEAR = 2000;
const LAST_YEAR = 2100;

export const month = z
  .string()
  .refine(isMonth, { message: 'must be a month as YYYY-MM, e.g. 2024-06', abort: true })
  .refine((s) => {
    const y = Number(s.slice(0, 4));
    return y >= FIRST_YEAR && y <= LAST_YEAR;
  }, `must be a month from ${FIRST_YEAR}-01 to ${LAST_YEAR}-12`)
  .transform((s) => s as Month) // checked by isMonth just above (zod's refine does not narrow)
  .describe('A calendar month as YYYY-MM');

export const year = z
  .string()
  .regex(/^\d{4}$/, 'must be a four-digit year, e.g. 2024')
  .transform(Number)
  .pipe(z.number().int().min(FIRST_YEAR).max(LAST_YEAR))
  .describe('A calendar year, e.g. 2024');

/** For `.refine(...)` of a query with `from` and `to` (months or days, compared as text). */
export const fromNotAfterTo: [
  (q: { from?: string | undefined; to?: string | undefined }) => boolean,
  { message: string; path: string[] },
] = [
  (q) => q.from === undefined || q.to === undefined || q.from <= q.to,
  { message: 'from must not be after to', path: ['from'] },
];

/** A path's `:id` of stored rows: digits only (not ' 1', '1.0', '1e3' or '0x10'), from 1. */
export function idParamOf(what: string) {
  return z.object({
    id: z
      .string()
      .regex(/^\d+$/, `must be ${what}`)
      .transform(Number)
      .pipe(z.number().int(`must be ${what}`).min(1, `must be ${what}`)),
  });
}

export const yearNumber = z.number().int().min(FIRST_YEAR).max(LAST_YEAR);

export const gender = z.enum(GENDERS);

const indicatorCode = z
  .string()
  .trim()
  .min(1)
  .max(32)
  .regex(/^[A-Za-z0-9_]+$/, 'must be an indicator code such as K2, LZB or K2E4');

const positiveInt = (def: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a positive whole number')
    .transform(Number)
    .pipe(z.number().int().min(1).max(max))
    .optional()
    .transform((v) => v ?? def);

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

function commaList<T extends z.ZodType<string>>(item: T, what: string) {
  return z
    .string()
    .max(500)
    .transform((s, ctx) => {
      const parts = s
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean);
      const out: z.output<T>[] = [];
      for (const p of parts) {
        const r = item.safeParse(p);
        if (!r.success) {
          ctx.addIssue({ code: 'custom', message: `unknown ${what} "${p}"` });
          return z.NEVER;
        }
        out.push(r.data);
      }
      return out;
    });
}

export const goalsQuery = z.object({
  region: regionId.optional(),
  year: year.optional(),
  month: month
    .optional()
    .describe('Evaluate as at this data month (YYYY-MM); must lie in `year` when both are given'),
});

export const goalParam = z.object({
  id: z.string().max(64).refine(isGoalId, 'must be a goal id such as K2-female'),
});

const sortSpec = z.string().transform((s, ctx) => {
  const out: { key: (typeof SORTABLE_COLUMNS)[number]; dir: 'asc' | 'desc' }[] = [];
  for (const part of s
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [key, dir = 'asc', ...rest] = part.split(':');
    const k = SORTABLE_COLUMNS.find((c) => c === key);
    if (!k || rest.length > 0 || (dir !== 'asc' && dir !== 'desc')) {
      ctx.addIssue({
        code: 'custom',
        message: `"${part}" is not column:asc|desc with a column of ${SORTABLE_COLUMNS.join(', ')}`,
      });
      return z.NEVER;
    }
    out.push({ key: k, dir });
  }
  return out;
});

export const monthsQuery = z
  .object({
    region: regionId.optional(),
    from: month.optional(),
    to: month.optional(),
    gender: commaList(gender, 'gender (total, female, male)')
      .optional()
      .describe('Comma list: total,female,male'),
    revised: bool.optional().describe('Only rows with (true) or without (false) a revised value'),
    sort: sortSpec.optional().describe('Comma list of column:asc|desc, e.g. month:desc,gender:asc'),
    page: positiveInt(1, 1_000_000),
    pageSize: positiveInt(50, 1000),
    columns: commaList(z.enum(MONTH_COLUMNS), 'column')
      .optional()
      .describe(`Export columns: ${MONTH_COLUMNS.join(', ')}`),
    format: z.enum(['json', 'csv', 'xlsx']).optional().default('json'),
  })
  .refine(...fromNotAfterTo);

/** GET /api/months/plan: the series of the plan goals by month (JSON, CSV or XLSX). */
export const planMonthsQuery = z
  .object({
    region: regionId.optional(),
    from: month.optional(),
    to: month.optional(),
    format: z.enum(['json', 'csv', 'xlsx']).optional().default('json'),
  })
  .refine(...fromNotAfterTo);

export const revisionsParam = z.object({ month });
export const revisionsQuery = z.object({
  region: regionId.optional(),
  indicator: indicatorCode.optional(),
  gender: gender.optional(),
});

export const comparisonQuery = z.object({ region: regionId.optional(), month: month.optional() });

export const targetsQuery = z.object({ region: regionId.optional(), year: year.optional() });

export const importsQuery = z.object({ limit: positiveInt(20, 200) });

/** Who made a change, as a client names it: one line of 1..100 characters. */
const actorText = z.string().trim().min(1).max(100).regex(ONE_LINE_RE, 'must not contain control characters');

export const targetBody = z.object({
  region: regionId,
  year: yearNumber,
  indicator: indicatorCode,
  gender: gender,
  targetChangePct: z
    .number()
    .finite()
    .min(-100)
    .max(1000)
    .describe('Planned relative change in percent (1.1 = +1.1 %)'),
  better: z.enum(['higher', 'lower']),
  source: z.string().trim().max(500).regex(ONE_LINE_RE, 'must not contain control characters').optional(),
  changedBy: actorText.optional(),
});

/**
 * A header's text: HTTP carries bytes, which Node hands over one per character (Latin-1). A name
 * a client sent as UTF-8 ('Müller') is decoded as such; bytes that are not UTF-8 stay Latin-1.
 */
function headerText(raw: string): string {
  // Header values hold no character above U+00FF (Headers refuses them), so latin1 is lossless.
  if (!/[\u0080-\u00ff]/.test(raw)) return raw;
  const text = Buffer.from(raw, 'latin1').toString('utf8');
  return text.includes('\uFFFD') ? raw : text;
}

/** Who made a change, named by the client (the shared ADMIN_TOKEN's writes are recorded under it). */
export const changedByHeader = z.object({
  'x-changed-by': z.string().transform(headerText).pipe(actorText).optional(),
});

export const runSourcesBody = z.object({ action: z.literal('run-sources') });
