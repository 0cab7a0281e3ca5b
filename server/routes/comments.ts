/**
 * Comments on the figures: GET /api/comments (anyone who may read), POST (controller),
 * PATCH/DELETE /api/comments/:id (the author, or an admin).
 */

import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { monthOfDate } from '../../core/months.js';
import { hideEmails } from '../../core/redact.js';
import { actorName, audit } from '../auth/audit.js';
import { isAdmin, personOf, requireRole } from '../auth/middleware.js';
import { roleAtLeast } from '../auth/roles.js';
import type { Auth } from '../auth/service.js';
import {
  type CommentInfo,
  createComment,
  deleteComment,
  editComment,
  getComment,
  listComments,
} from '../db/repositories/comments.js';
import { resolveRegionKey } from '../db/repositories/regions.js';
import type { AppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { limitBody } from '../http/body-limit.js';
import type { AppEnv } from '../http/env.js';
import { idParamOf, month, regionId, year } from '../http/schemas.js';
import { validate } from '../http/validate.js';
import { requireKnown } from './known-refs.js';

export const COMMENT_MAX_CHARS = 2000;

/** Control characters other than tab and line feed (which plain text may hold). */
function isControl(ch: string): boolean {
  const n = ch.codePointAt(0) ?? 0;
  return (n < 32 && n !== 9 && n !== 10) || (n >= 127 && n < 160);
}

export const commentGoal = z
  .string()
  .trim()
  .regex(
    /^[A-Za-z0-9_]{1,32}(-(female|male|total))?$/,
    'must be a goal id such as K2-female, or an indicator such as K2',
  )
  .describe('A goal as in /api/goals (e.g. K2-female), or a whole indicator (e.g. K2)');

/** Plain text: no control characters but line breaks and tabs; 1..2,000 characters (code points). */
export const commentText = z
  .string()
  .transform((s) => s.replace(/\r\n?/g, '\n').trim())
  .refine((s) => s.length > 0, 'must not be empty')
  .refine((s) => [...s].length <= COMMENT_MAX_CHARS, `must be at most ${COMMENT_MAX_CHARS} characters`)
  .refine((s) => ![...s].some(isControl), 'must not contain control characters')
  .describe('Plain text, at most 2,000 characters (never rendered as HTML)');

export const commentsQuery = z
  .object({ region: regionId, goal: commentGoal.optional(), year: year.optional() })
  .describe('Comments of a region, optionally of one goal (with its whole indicator) and year');

export const commentBody = z.object({ region: regionId, goal: commentGoal, month, text: commentText });
export const commentPatchBody = z.object({ text: commentText });
export const commentIdParam = idParamOf('a comment id');

/** The comment as the API answers it, with whether the asking person may change it. */
/** A comment as this reader sees it: the author's name without an e-mail address except for admins. */
function view(comment: CommentInfo, c: Context<AppEnv>) {
  const author = isAdmin(c) ? comment.author : hideEmails(comment.author);
  return { ...comment, author, canEdit: mayChange(c, comment) };
}

function mayChange(c: Context<AppEnv>, comment: CommentInfo): boolean {
  const p = c.get('principal');
  if (p.kind !== 'person') return false;
  if (roleAtLeast(p.role, 'admin')) return true;
  return roleAtLeast(p.role, 'controller') && p.userId !== null && p.userId === comment.authorId;
}

export function commentsRoutes(deps: AppDeps, auth: Auth) {
  const controller = requireRole(deps, 'controller');
  const existing = async (c: Context<AppEnv>, id: number) => {
    const comment = await getComment(deps.db.db, id);
    if (!comment) throw new ApiError(404, 'comment_not_found', `No comment with id ${id}`);
    if (!mayChange(c, comment)) {
      throw new ApiError(403, 'forbidden', 'Only the author or an admin may change this comment.');
    }
    return comment;
  };
  return new Hono<AppEnv>()
    .get('/', validate('query', commentsQuery), async (c) => {
      const q = c.req.valid('query');
      // A key that names no region is a 404, as for the goals; an alias (t11522) names its region.
      const region = await resolveRegionKey(deps.db.db, q.region);
      if (region === undefined) throw new ApiError(404, 'region_not_found', `Unknown region: ${q.region}`);
      const comments = await listComments(deps.db.db, {
        region,
        ...(q.goal ? { goal: q.goal } : {}),
        ...(q.year ? { year: q.year } : {}),
      });
      return c.json({ comments: comments.map((x) => view(x, c)) });
    })
    .post('/', controller, limitBody(32 * 1024), validate('json', commentBody), async (c) => {
      const body = c.req.valid('json');
      // A comment explains a month's figures: a month still to come has none yet.
      const current = monthOfDate(deps.clock());
      if (body.month > current) {
        throw new ApiError(400, 'bad_request', `Month ${body.month} lies after the current month ${current}`);
      }
      await requireKnown(deps.db.db, { regions: [body.region], goals: [body.goal] });
      const p = personOf(c);
      const comment = await createComment(
        deps.db.db,
        { ...body, authorId: p.userId, author: actorName(c, null) ?? p.name },
        deps.clock(),
      );
      await audit(deps, auth, c, 'comment.create', `${body.region} ${body.goal} ${body.month}`, {
        id: comment.id,
        text: comment.text,
      });
      return c.json({ comment: view(comment, c) }, 201);
    })
    .patch(
      '/:id',
      controller,
      limitBody(32 * 1024),
      validate('param', commentIdParam),
      validate('json', commentPatchBody),
      async (c) => {
        const { id } = c.req.valid('param');
        const before = await existing(c, id);
        const { text } = c.req.valid('json');
        const after = await editComment(deps.db.db, id, text, personOf(c).name, deps.clock());
        if (!after) throw new ApiError(404, 'comment_not_found', `No comment with id ${id}`);
        await audit(deps, auth, c, 'comment.update', `${before.region} ${before.goal} ${before.month}`, {
          id,
          before: before.text,
          after: after.text,
        });
        return c.json({ comment: view(after, c) });
      },
    )
    .delete('/:id', controller, validate('param', commentIdParam), async (c) => {
      const { id } = c.req.valid('param');
      const before = await existing(c, id);
      await deleteComment(deps.db.db, id, deps.clock());
      await audit(deps, auth, c, 'comment.delete', `${before.region} ${before.goal} ${before.month}`, {
        id,
        text: before.text,
      });
      return c.json({ deleted: id });
    });
}
