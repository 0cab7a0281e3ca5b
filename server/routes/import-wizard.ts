import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { runPreview } from '../../etl/isolated.js';
import type { PreviewRequest } from '../../etl/layouts.js';
import { importInProgress } from '../../etl/lock.js';
import { loadJobcenterDirectory, loadReference } from '../../etl/reference.js';
import { loadCatalog } from '../../etl/run.js';
import { FileRejection, rejectionInfo, rejectionText } from '../../etl/types.js';
import { type GridSpec, gridSpecSchema } from '../../etl/wizard-mapping.js';
import { actorName, audit } from '../auth/audit.js';
import { isAdmin, requireRole } from '../auth/middleware.js';
import type { Auth } from '../auth/service.js';
import type { AppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import type { AppEnv } from '../http/env.js';
import { formLimit, limitDeclaredBody, receiveUploadIn } from '../http/upload.js';
import { nulPathOf, validate } from '../http/validate.js';
import { importJobView, safeUploadName } from './imports.js';

/** The draft mapping's largest JSON text, in bytes (form field "spec"). */
const SPEC_MAX_BYTES = 256 * 1024;
export const jobParam = z.object({ id: z.string().min(1).max(40) });

function parseSpec(text: string | undefined) {
  if (text === undefined || text.trim() === '') return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'bad_request', 'form field spec: not valid JSON');
  }
  const parsed = gridSpecSchema.safeParse(raw);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.') || 'spec'}: ${i.message}`).join('; ');
    throw new ApiError(400, 'bad_request', `form field spec: ${why}`);
  }
  const nul = nulPathOf(parsed.data);
  if (nul)
    throw new ApiError(
      400,
      'bad_request',
      `form field spec: ${nul.join('.')}: must not contain NUL characters`,
    );
  return parsed.data;
}

/** Previews whose file is read at once (each in a worker process with IMPORT_WORKER_MAX_MB of heap). */
const PREVIEWS_RUNNING = 2;
/** Previews that wait for one of those; one more is a 503. */
const PREVIEWS_WAITING = 4;

/**
 * At most `running` previews at a time, `waiting` more queued (first come, first served; a client
 * that goes away leaves the queue); beyond, a 503 with Retry-After. Resolves with the release.
 * `refuseIfFull` gives that 503 at once when no place is free: called before an upload is
 * received, a flood costs neither disk nor queries (the place itself is taken after the upload,
 * so that a slow sender holds none).
 */
export function previewSlots(running = PREVIEWS_RUNNING, waiting = PREVIEWS_WAITING) {
  let active = 0;
  const queue: (() => void)[] = [];
  const releaser = () => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = queue.shift();
      if (next) next();
      else active--;
    };
  };
  const refuse = (c: Context<AppEnv>): never => {
    c.header('Retry-After', '5');
    throw new ApiError(
      503,
      'preview_busy',
      `Zu viele Dateivorschauen gleichzeitig (${running} laufen, ${waiting} warten): bitte in einigen Sekunden erneut versuchen`,
    );
  };
  const refuseIfFull = (c: Context<AppEnv>): void => {
    if (active >= running && queue.length >= waiting) refuse(c);
  };
  const acquire = async (c: Context<AppEnv>, signal: AbortSignal): Promise<() => void> => {
    // A client gone while its upload was received takes no place (nor waits in the queue).
    signal.throwIfAborted();
    if (active < running) {
      active++;
      return releaser();
    }
    if (queue.length >= waiting) refuse(c);
    await new Promise<void>((resolve, reject) => {
      const go = () => {
        signal.removeEventListener('abort', leave);
        resolve();
      };
      const leave = () => {
        const i = queue.indexOf(go);
        if (i >= 0) queue.splice(i, 1);
        reject(signal.reason);
      };
      queue.push(go);
      signal.addEventListener('abort', leave, { once: true });
    });
    return releaser();
  };
  return Object.assign(acquire, { refuseIfFull });
}

/** What the worker needs besides the file: the catalog and the regions only for a draft. */
async function previewRequest(deps: AppDeps, name: string, spec: GridSpec | null): Promise<PreviewRequest> {
  const request: PreviewRequest = {
    name,
    spec,
    indicators: [],
    reference: { regions: [], aliases: [], jobcenters: [] },
    ...(deps.etl.limits ? { limits: deps.etl.limits } : {}),
  };
  if (spec === null) return request;
  await loadJobcenterDirectory(deps.db);
  return {
    ...request,
    indicators: (await loadCatalog(deps.etl)).all,
    reference: await loadReference(deps.db),
  };
}

/**
 * /api/import-wizard: POST /preview (a file's sheets, first rows, detected headers and month
 * axis, and what a draft mapping makes of it: observations and every failing cell; nothing is
 * written), POST /jobs (an upload imported in the background), GET /jobs/:id (its progress).
 */
export function importWizardRoutes(deps: AppDeps, auth: Auth) {
  const controller = requireRole(deps, 'controller');
  const maxBytes = deps.config.UPLOAD_MAX_BYTES;
  const jobs = deps.importJobs;
  const slots = previewSlots();
  /** The form's file (read as a stream into a temporary file) and text fields; 400 without a file. */
  const previewFields = { spec: SPEC_MAX_BYTES };
  const receive = async (c: Context<AppEnv>, fields: Record<string, number> = {}) => {
    const upload = await receiveUploadIn(c, {
      fileField: 'file',
      maxFileBytes: maxBytes,
      maxBodyBytes: formLimit(maxBytes, fields),
      fields,
    });
    if (upload.file === null) {
      await upload.dispose();
      throw new ApiError(400, 'bad_request', 'form field file: Required (a file)');
    }
    return { upload, file: upload.file };
  };
  return new Hono<AppEnv>()
    .post('/preview', controller, limitDeclaredBody(formLimit(maxBytes, previewFields)), async (c) => {
      slots.refuseIfFull(c);
      const { upload, file } = await receive(c, previewFields);
      const name = safeUploadName(file.filename);
      let result: Awaited<ReturnType<typeof runPreview>>;
      try {
        const request = await previewRequest(deps, name, parseSpec(upload.fields.spec));
        // The file is read in the import worker (isolation on, as for imports): the server's
        // event loop and heap never hold the parse; a file too big for its heap is a 422.
        const signal = c.req.raw.signal;
        const release = await slots(c, signal);
        try {
          result = await runPreview(deps.etl, file.path, request, { signal });
        } finally {
          release();
        }
      } catch (e) {
        if (e instanceof FileRejection)
          throw new ApiError(422, 'file_rejected', rejectionText(rejectionInfo(name, e), 'answer'));
        // The client went away (its worker was killed): nobody reads the answer; no error to log.
        if (c.req.raw.signal.aborted)
          throw new ApiError(400, 'upload_interrupted', 'The request was aborted.');
        throw e;
      } finally {
        await upload.dispose();
      }
      await audit(deps, auth, c, 'import.preview', name);
      return c.json({ file: name, ...result });
    })
    .post('/jobs', controller, limitDeclaredBody(formLimit(maxBytes)), async (c) => {
      // Another import running (a job of this instance, an upload, the schedule, the command
      // line, another instance): 409 before the file is received, as POST /api/imports answers,
      // rather than a job that fails at once. One starting right after is refused by its lock.
      const busy = jobs.list().some((j) => j.state === 'running')
        ? 'Ein anderer Import läuft gerade; bitte warten, bis er fertig ist.'
        : await importInProgress(deps.db, deps.clock);
      if (busy !== null) throw new ApiError(409, 'import_busy', busy);
      const { upload, file } = await receive(c);
      const name = safeUploadName(file.filename);
      const job = jobs.start(
        name,
        { kind: 'file', path: file.path, name },
        upload.dispose,
        actorName(c, null),
      );
      await audit(deps, auth, c, 'import.upload', name, { via: 'wizard' });
      return c.json({ job }, 202);
    })
    .get('/jobs', (c) => c.json({ jobs: jobs.list().map((j) => importJobView(j, isAdmin(c))) }))
    .get('/jobs/:id', validate('param', jobParam), (c) => {
      const job = jobs.get(c.req.valid('param').id);
      if (!job)
        throw new ApiError(404, 'job_not_found', 'Unknown import job (jobs are kept while the server runs).');
      return c.json({ job: importJobView(job, isAdmin(c)) });
    });
}
