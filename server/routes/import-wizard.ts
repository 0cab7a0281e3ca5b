import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { previewFile } from '../../etl/layouts.js';
import { loadJobcenterDirectory, loadReference } from '../../etl/reference.js';
import { loadCatalog } from '../../etl/run.js';
import { FileRejection } from '../../etl/types.js';
import { gridSpecSchema } from '../../etl/wizard-mapping.js';
import { audit } from '../auth/audit.js';
import { requireRole } from '../auth/middleware.js';
import type { Auth } from '../auth/service.js';
import type { AppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import type { AppEnv } from '../http/env.js';
import { formLimit, limitDeclaredBody, receiveUploadIn } from '../http/upload.js';
import { validate } from '../http/validate.js';
import { safeUploadName } from './imports.js';

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
  return parsed.data;
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
      const { upload, file } = await receive(c, previewFields);
      let data: Uint8Array;
      try {
        data = await upload.bytes();
      } finally {
        await upload.dispose();
      }
      const spec = parseSpec(upload.fields.spec);
      const name = safeUploadName(file.filename);
      await loadJobcenterDirectory(deps.db);
      try {
        const result = await previewFile(
          name,
          data,
          {
            catalog: await loadCatalog(deps.etl),
            reference: await loadReference(deps.db),
          },
          spec,
        );
        await audit(deps, auth, c, 'import.preview', name);
        return c.json({ file: name, ...result });
      } catch (e) {
        if (e instanceof FileRejection) throw new ApiError(422, 'file_rejected', `${name}: ${e.message}`);
        throw e;
      }
    })
    .post('/jobs', controller, limitDeclaredBody(formLimit(maxBytes)), async (c) => {
      const { upload, file } = await receive(c);
      const name = safeUploadName(file.filename);
      const job = jobs.start(name, { kind: 'file', path: file.path, name }, upload.dispose);
      await audit(deps, auth, c, 'import.upload', name, { via: 'wizard' });
      return c.json({ job }, 202);
    })
    .get('/jobs', (c) => c.json({ jobs: jobs.list() }))
    .get('/jobs/:id', validate('param', jobParam), (c) => {
      const job = jobs.get(c.req.valid('param').id);
      if (!job)
        throw new ApiError(404, 'job_not_found', 'Unknown import job (jobs are kept while the server runs).');
      return c.json({ job });
    });
}
