import { Hono } from 'hono';
import { z } from 'zod';
import { loadCatalog } from '../../etl/run.js';
import { FileRejection } from '../../etl/types.js';
import { type SavedMapping, savedMappingSchema } from '../../etl/wizard-mapping.js';
import { actorName, audit } from '../auth/audit.js';
import { requireRole } from '../auth/middleware.js';
import type { Auth } from '../auth/service.js';
import {
  deleteImportMapping,
  getImportMapping,
  listImportMappings,
  updateImportMapping,
  upsertImportMapping,
} from '../db/repositories/import-mappings.js';
import type { AppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { limitBody } from '../http/body-limit.js';
import type { AppEnv } from '../http/env.js';
import { changedByHeader, idParamOf } from '../http/schemas.js';
import { validate } from '../http/validate.js';

export const mappingIdParam = idParamOf('a mapping id');
export const mappingsImportBody = z.object({
  mappings: z
    .array(savedMappingSchema)
    .min(1)
    .max(100)
    .superRefine((list, ctx) => {
      // Saved by name: a second entry of one name would silently replace the first.
      const seen = new Set<string>();
      list.forEach((m, i) => {
        if (seen.has(m.name))
          ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `"${m.name}" is given twice` });
        seen.add(m.name);
      });
    }),
});

/** The layouts recognised by content, configured in data/ba-mapping.json (shown, not editable here). */
export const BUILTIN_MAPPINGS = [
  {
    name: 'BA-Statistiktabelle',
    pattern: '*.csv, *.xlsx',
    kind: 'ba-table',
    description:
      'Kopfzeilen "Schlüssel:; Wert" (Region aus Jobcenter:/Kreis:/Land:), Monate in der Kopfzeile oder ab "Berichtsmonat" in den Zeilen; Zeilenbeschriftungen laut rowLabels in data/ba-mapping.json',
  },
  {
    name: 'Eckwerte für Jobcenter',
    pattern: 'jc-eckwerte-*.xlsx',
    kind: 'eckwerte',
    description:
      'Blätter laut eckwerte.sheets in data/ba-mapping.json, Werte aus der Spalte "Rechtskreis SGB II", Monat vom Blatt',
  },
] as const;

/**
 * Refuses a mapping whose series name an indicator the import would refuse (unknown, or computed
 * rather than loaded), with the import's own message: every file it caught would be rejected with
 * a message about the file, not about the mapping. Codes are matched as the import matches them.
 */
async function checkIndicators(deps: AppDeps, mappings: readonly SavedMapping[]): Promise<void> {
  const catalog = await loadCatalog(deps.etl);
  for (const m of mappings) {
    m.spec.series.forEach((s, i) => {
      try {
        catalog.resolve(s.indicator, { sheet: null, row: null, column: null });
      } catch (e) {
        if (!(e instanceof FileRejection)) throw e;
        throw new ApiError(400, 'bad_request', `Mapping '${m.name}', series ${i + 1}: ${e.message}`);
      }
    });
  }
}

/**
 * /api/import-mappings: layouts mapped in the import wizard. GET lists them (and the built-in
 * ones), GET /export gives them as JSON for another installation; writes need the admin token.
 */
export function importMappingsRoutes(deps: AppDeps, auth: Auth) {
  const admin = requireRole(deps, 'admin');
  const now = () => deps.clock().toISOString();
  return new Hono<AppEnv>()
    .get('/', async (c) =>
      c.json({ builtin: BUILTIN_MAPPINGS, mappings: await listImportMappings(deps.db.db) }),
    )
    .get('/export', async (c) => {
      const mappings = (await listImportMappings(deps.db.db)).map(({ name, pattern, spec }) => ({
        name,
        pattern,
        spec,
      }));
      c.header('Content-Disposition', 'attachment; filename="zielmonitor-zuordnungen.json"');
      return c.json({ mappings });
    })
    .post(
      '/',
      admin,
      limitBody(256 * 1024),
      validate('header', changedByHeader),
      validate('json', savedMappingSchema),
      async (c) => {
        const body = c.req.valid('json');
        await checkIndicators(deps, [body]);
        const id = await upsertImportMapping(
          deps.db.db,
          body,
          now(),
          actorName(c, c.req.valid('header')['x-changed-by'] ?? null),
        );
        await audit(deps, auth, c, 'mapping.save', body.name, { id, pattern: body.pattern });
        return c.json({ mapping: await getImportMapping(deps.db.db, id) }, 201);
      },
    )
    .post(
      '/import',
      admin,
      limitBody(1024 * 1024),
      validate('header', changedByHeader),
      validate('json', mappingsImportBody),
      async (c) => {
        const by = actorName(c, c.req.valid('header')['x-changed-by'] ?? null);
        await checkIndicators(deps, c.req.valid('json').mappings);
        const ids: number[] = [];
        for (const m of c.req.valid('json').mappings)
          ids.push(await upsertImportMapping(deps.db.db, m, now(), by));
        await audit(deps, auth, c, 'mapping.import', null, { ids });
        return c.json({ imported: ids.length, ids });
      },
    )
    .put(
      '/:id',
      admin,
      limitBody(256 * 1024),
      validate('param', mappingIdParam),
      validate('header', changedByHeader),
      validate('json', savedMappingSchema),
      async (c) => {
        const { id } = c.req.valid('param');
        const body = c.req.valid('json');
        await checkIndicators(deps, [body]);
        const same = (await listImportMappings(deps.db.db)).find((m) => m.name === body.name && m.id !== id);
        if (same) {
          throw new ApiError(
            409,
            'mapping_name_taken',
            `Another mapping is named '${body.name}' (id ${same.id}).`,
          );
        }
        const ok = await updateImportMapping(
          deps.db.db,
          id,
          body,
          now(),
          actorName(c, c.req.valid('header')['x-changed-by'] ?? null),
        );
        if (!ok) throw new ApiError(404, 'mapping_not_found', `Unknown mapping: ${id}`);
        await audit(deps, auth, c, 'mapping.update', body.name, { id, pattern: body.pattern });
        return c.json({ mapping: await getImportMapping(deps.db.db, id) });
      },
    )
    .delete('/:id', admin, validate('param', mappingIdParam), async (c) => {
      const { id } = c.req.valid('param');
      if (!(await deleteImportMapping(deps.db.db, id)))
        throw new ApiError(404, 'mapping_not_found', `Unknown mapping: ${id}`);
      await audit(deps, auth, c, 'mapping.delete', String(id));
      return c.json({ deleted: id });
    });
}
