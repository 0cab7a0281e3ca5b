/**
 * GET /api/alerts (history), POST /api/alerts/evaluate (admin), GET/PUT /api/alerts/mutes,
 * DELETE /api/alerts/mutes/:id (admin), GET/POST /api/alerts/recipients and DELETE
 * /api/alerts/recipients/:id (admin: the addresses are personal data). Writes need the admin role.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { HIDDEN_EMAIL, hideEmails } from '../../core/redact.js';
import { berlinDay, muteSchema, recipientSchema } from '../alerts/alert-config.js';
import { actorName, audit } from '../auth/audit.js';
import { isAdmin, requireRole } from '../auth/middleware.js';
import type { Auth } from '../auth/service.js';
import type { AppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { limitBody } from '../http/body-limit.js';
import type { AppEnv } from '../http/env.js';
import { changedByHeader, idParamOf } from '../http/schemas.js';
import { validate } from '../http/validate.js';
import { requireKnown } from './known-refs.js';

export const alertsQuery = z
  .object({
    limit: z
      .string()
      .regex(/^\d+$/, 'must be a whole number from 1 to 1000')
      .transform(Number)
      .pipe(z.number().int().min(1, 'must be at least 1').max(1000, 'must be at most 1000'))
      .optional()
      .transform((v) => v ?? 100),
    state: z.enum(['pending', 'sent', 'failed']).optional(),
  })
  .describe('Alert history, newest first');

export const muteBody = muteSchema.describe(
  'Mute a goal (or indicator, or "missing") until a day, inclusive',
);

export const muteIdParam = idParamOf('a mute id');

export const recipientBody = recipientSchema.describe(
  'An alert recipient: the address, a name, and the regions and goals followed (left out: all of them)',
);

export const recipientIdParam = idParamOf('a recipient id');

export function alertsRoutes(deps: AppDeps, auth: Auth) {
  const admin = requireRole(deps, 'admin');
  return new Hono<AppEnv>()
    .get('/', validate('query', alertsQuery), async (c) => {
      const q = c.req.valid('query');
      const alerts = await deps.alerts.listAlerts({ limit: q.limit, ...(q.state ? { state: q.state } : {}) });
      if (isAdmin(c)) return c.json({ alerts });
      // Who gets which mail is personal data: anonymous readers see that there were recipients.
      return c.json({
        alerts: alerts.map((a) => ({
          ...a,
          recipients: a.recipients.map(() => HIDDEN_EMAIL),
          subject: hideEmails(a.subject),
          body: hideEmails(a.body),
          lastError: a.lastError === null ? null : hideEmails(a.lastError),
        })),
      });
    })
    .post('/evaluate', admin, async (c) => {
      const evaluation = await deps.alerts.evaluate('manual');
      const missingData = await deps.alerts.checkMissingData();
      await audit(deps, auth, c, 'alert.evaluate', null);
      return c.json({ evaluation, missingData });
    })
    .get('/mutes', async (c) => {
      const mutes = await deps.alerts.listMutes();
      if (isAdmin(c)) return c.json({ mutes });
      return c.json({
        mutes: mutes.map((m) => ({ ...m, createdBy: m.createdBy === null ? null : hideEmails(m.createdBy) })),
      });
    })
    .put(
      '/mutes',
      admin,
      limitBody(16 * 1024),
      validate('header', changedByHeader),
      validate('json', muteBody),
      async (c) => {
        const body = c.req.valid('json');
        if (body.until < berlinDay(deps.clock())) {
          throw new ApiError(
            400,
            'bad_request',
            `until: ${body.until} is in the past (delete the mute instead)`,
          );
        }
        await requireKnown(deps.db.db, {
          regions: body.region === undefined ? [] : [body.region],
          goals: [body.goal],
        });
        const mute = await deps.alerts.setMute(
          body,
          actorName(c, c.req.valid('header')['x-changed-by'] ?? null),
        );
        await audit(deps, auth, c, 'mute.set', `${body.region ?? '*'} ${body.goal}`, { until: body.until });
        return c.json({ mute });
      },
    )
    .delete('/mutes/:id', admin, validate('param', muteIdParam), async (c) => {
      const { id } = c.req.valid('param');
      if (!(await deps.alerts.deleteMute(id))) {
        throw new ApiError(
          404,
          'mute_not_found',
          `No mute with id ${id} (mutes from the configuration file are changed there)`,
        );
      }
      await audit(deps, auth, c, 'mute.delete', `mute ${id}`);
      return c.json({ deleted: id });
    })
    .get('/recipients', admin, async (c) => c.json(await deps.alerts.listRecipients()))
    .post(
      '/recipients',
      admin,
      limitBody(16 * 1024),
      validate('header', changedByHeader),
      validate('json', recipientBody),
      async (c) => {
        const body = c.req.valid('json');
        await requireKnown(deps.db.db, { regions: body.regions ?? [], goals: body.goals ?? [] });
        const recipient = await deps.alerts.addRecipient(
          body,
          actorName(c, c.req.valid('header')['x-changed-by'] ?? null),
        );
        if (recipient === 'duplicate') {
          throw new ApiError(409, 'recipient_exists', `${body.email} is already a recipient`);
        }
        await audit(deps, auth, c, 'recipient.add', body.email, {
          regions: body.regions ?? null,
          goals: body.goals ?? null,
        });
        return c.json({ recipient }, 201);
      },
    )
    .delete('/recipients/:id', admin, validate('param', recipientIdParam), async (c) => {
      const { id } = c.req.valid('param');
      const email = await deps.alerts.deleteRecipient(id);
      if (email === null) {
        throw new ApiError(
          404,
          'recipient_not_found',
          `No recipient with id ${id} (ALERT_RECIPIENTS and the configuration file are changed there)`,
        );
      }
      await audit(deps, auth, c, 'recipient.delete', email, { id });
      return c.json({ deleted: id });
    });
}
