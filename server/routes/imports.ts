import { Hono } from 'hono';
import { z } from 'zod';
import { fileName, hideEmails, redactForAnonymous, redactUrl, redactUrlsIn } from '../../core/redact.js';
import type { ImportJob } from '../../etl/import-jobs.js';
import { type ImportSummary, runImport, runScheduledImport } from '../../etl/index.js';
import { rejectionText } from '../../etl/types.js';
import { actorName, audit } from '../auth/audit.js';
import { isAdmin, requireRole } from '../auth/middleware.js';
import type { Auth } from '../auth/service.js';
import { type ImportRunInfo, listImportRuns, setImportRunStartedBy } from '../db/repositories/imports.js';
import type { AppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { limitBody } from '../http/body-limit.js';
import type { AppEnv } from '../http/env.js';
import { importsQuery } from '../http/schemas.js';
import { formLimit, isMultipart, limitDeclaredBody, receiveUploadIn } from '../http/upload.js';
import { validate } from '../http/validate.js';

/** The largest JSON body (`{"action":"run-sources"}`). */
const JSON_MAX_BYTES = 64 * 1024;

const actionBody = z.object({ action: z.literal('run-sources').optional() });

/**
 * The upload's name as stored and shown: the last path segment only (no directories, no
 * traversal), printable characters only, never hidden, at most 120 characters.
 */
export function safeUploadName(raw: string): string {
  const last = raw.split(/[\\/]/).pop() ?? '';
  const cleaned = last
    .normalize('NFC')
    .replace(/[^\p{L}\p{N} ._()-]+/gu, '_')
    .replace(/^[.\s]+/, '')
    .trim()
    .slice(-120);
  return cleaned === '' ? 'upload' : cleaned;
}

function rejectedMessage(summary: ImportSummary): string {
  return summary.files.flatMap((f) => (f.error ? [rejectionText(f.error, 'answer')] : [])).join('; ');
}

/**
 * What a reader may see of an import's texts: URLs never with user info or query; anonymous
 * readers see file names instead of server paths (`paths`) and no e-mail addresses.
 */
function readerText(admin: boolean, paths: readonly string[]) {
  return (t: string | null) => (t === null ? null : admin ? redactUrlsIn(t) : redactForAnonymous(t, paths));
}

const readerPath = (admin: boolean, path: string) => (admin ? redactUrl(path) : fileName(redactUrl(path)));

/** What a reader may see of a run (see readerText); admins see the paths. */
export function importRunView(run: ImportRunInfo, admin: boolean): ImportRunInfo {
  const text = readerText(
    admin,
    run.files.map((f) => f.path),
  );
  return {
    ...run,
    error: text(run.error),
    startedBy: admin || run.startedBy === null ? run.startedBy : hideEmails(run.startedBy),
    files: run.files.map((f) => ({ ...f, path: readerPath(admin, f.path), error: text(f.error) })),
  };
}

/** What a reader may see of a background import (the wizard's job): the same rule as the run log. */
export function importJobView(job: ImportJob, admin: boolean): ImportJob {
  const paths = job.summary?.files.map((f) => f.path) ?? [];
  const text = readerText(admin, paths);
  const summary = job.summary && {
    ...job.summary,
    files: job.summary.files.map((f) => ({
      ...f,
      path: readerPath(admin, f.path),
      error: f.error && {
        ...f.error,
        file: readerPath(admin, f.error.file),
        message: text(f.error.message) ?? '',
      },
    })),
  };
  return { ...job, file: text(job.file) ?? '', error: text(job.error), summary };
}

/** GET /api/imports (run log with files), POST /api/imports (admin: upload or run the sources). */
export function importsRoutes(deps: AppDeps, auth: Auth) {
  const maxBytes = deps.config.UPLOAD_MAX_BYTES;
  const maxFormBytes = formLimit(maxBytes);
  // A form is counted as it streams (receiveUpload); the JSON alternative is small.
  const declaredFormLimit = limitDeclaredBody(maxFormBytes);
  const jsonLimit = limitBody(JSON_MAX_BYTES, 'The request body');
  return new Hono<AppEnv>()
    .get('/', validate('query', importsQuery), async (c) => {
      const { limit } = c.req.valid('query');
      const admin = isAdmin(c);
      const runs = await listImportRuns(deps.db.db, limit);
      return c.json({ runs: runs.map((r) => importRunView(r, admin)) });
    })
    .post(
      '/',
      requireRole(deps, 'controller'),
      (c, next) => (isMultipart(c.req.raw) ? declaredFormLimit(c, next) : jsonLimit(c, next)),
      validate('json', actionBody),
      async (c) => {
        const { action } = c.req.valid('json');
        // A form is read as a stream into a temporary file, which the import worker reads itself.
        const upload = isMultipart(c.req.raw)
          ? await receiveUploadIn(c, {
              fileField: 'file',
              maxFileBytes: maxBytes,
              maxBodyBytes: maxFormBytes,
            })
          : null;
        const file = upload?.file ?? null;
        if (upload && !file) await upload.dispose();
        const name = file ? safeUploadName(file.filename) : null;
        let summary: ImportSummary;
        if (file && name !== null) {
          try {
            summary = await runImport(deps.etl, [{ kind: 'file', path: file.path, name }], {
              trigger: 'upload',
            });
          } finally {
            await upload?.dispose();
          }
        } else if (!upload && action === 'run-sources') {
          const ran = await runScheduledImport(deps.etl, deps.config, 'api');
          if (ran === null) {
            return c.json(
              {
                changed: false,
                files: [],
                message: 'Nothing to import: the inbox is empty and no SOURCE_URLS are set.',
              },
              200,
            );
          }
          summary = ran;
        } else {
          throw new ApiError(
            400,
            'bad_request',
            'Send multipart/form-data with a field "file", or JSON {"action":"run-sources"}.',
          );
        }
        c.var.logger.info(
          {
            runId: summary.runId,
            status: summary.status,
            inserted: summary.inserted,
            updated: summary.updated,
          },
          'import via API',
        );
        const by = actorName(c, null);
        await setImportRunStartedBy(deps.db.db, summary.runId, by);
        await audit(deps, auth, c, name !== null ? 'import.upload' : 'import.run_sources', name, {
          runId: summary.runId,
          status: summary.status,
          inserted: summary.inserted,
          updated: summary.updated,
        });
        if (summary.files.some((f) => f.status === 'rejected')) {
          return c.json(
            { ...summary, error: { code: 'file_rejected', message: rejectedMessage(summary) } },
            422,
          );
        }
        return c.json(summary, 200);
      },
    );
}
