/**
 * Multipart uploads read as a stream. busboy parses the body chunk by chunk as it arrives and the
 * file part is written to a private temporary file, so a large upload never holds the event loop
 * (a whole-body `Request.formData()` parsed a 17.5 MB body in one go, and the route then copied
 * the file and handed the copy to the import worker) and never sits in the server's memory.
 *
 * The body's size is counted here as it streams (hono's bodyLimit reads a body without a
 * Content-Length whole into memory before the route runs, so the upload routes check only the
 * declared length up front: `limitDeclaredBody`). Text fields are accepted by name with a byte
 * limit each; other text fields and file parts under other names are read past and ignored, as a
 * form schema ignores unknown keys.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from '../errors.js';
import { payloadTooLarge } from './body-limit.js';
import type { AppEnv } from './env.js';

/** The temporary directories' name prefix (a server start removes stale ones: `sweepUploads`). */
export const UPLOAD_DIR_PREFIX = 'zielmonitor-upload-';
/** Multipart envelope allowance on top of the file and the text fields (boundaries, part headers). */
const MULTIPART_OVERHEAD = 64 * 1024;

/** The largest form: the file, the envelope and the text fields asked for, each at its limit. */
export function formLimit(maxFileBytes: number, fields: Readonly<Record<string, number>> = {}): number {
  return maxFileBytes + MULTIPART_OVERHEAD + Object.values(fields).reduce((a, b) => a + b, 0);
}
/** The most parts a form may have. */
const MAX_PARTS = 100;

export interface UploadOptions {
  /** The form field that carries the file. */
  fileField: string;
  /** The largest file accepted, in bytes: one more is a 413. */
  maxFileBytes: number;
  /** The largest body, multipart envelope included, counted as it streams: one more is a 413. */
  maxBodyBytes: number;
  /** Text fields read, each with its largest length in bytes (longer is a 400). */
  fields?: Readonly<Record<string, number>>;
  /** Where the temporary directory is made (default: the system's, `TMPDIR`). */
  tmpDir?: string;
  /** Opens the temporary file for writing (default: a new file, mode 0600). */
  openFile?: (path: string) => Writable;
}

export interface ReceivedUpload {
  /** The file as the client named it: not sanitised, never a path to use. */
  filename: string;
  /** The temporary file holding it (mode 0600, in a directory of its own, mode 0700). */
  path: string;
  size: number;
}

export interface Upload {
  /** The file part, or null when the form had none. */
  file: ReceivedUpload | null;
  /** The text fields asked for that the form carried. */
  fields: Record<string, string>;
  /** Reads the file into memory (for the routes that parse it in the server). */
  bytes(): Promise<Uint8Array>;
  /** Removes the temporary file and its directory; safe to call more than once. */
  dispose(): Promise<void>;
}

/** Whether the request carries a multipart form (any other body is the caller's to read). */
export function isMultipart(req: Request): boolean {
  return /^multipart\/form-data\s*;/i.test(req.headers.get('content-type') ?? '');
}

function badForm(message: string): ApiError {
  return new ApiError(400, 'bad_request', message);
}

/** A failure of the server's own storage (a full or read-only disk): not the client's fault. */
function storageFailed(e: unknown): ApiError {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  const error = new ApiError(
    503,
    'upload_storage',
    `The upload cannot be stored on the server for the import${code ? ` (${code})` : ''}.`,
  );
  // Logged with the answer (a 5xx): the path and the system's own words.
  return Object.assign(error, { cause: e });
}

/**
 * 413 for a body whose Content-Length is over the limit, before anything is read. A body without
 * one is counted as it streams by `receiveUpload` (never buffered whole, as hono's bodyLimit does).
 */
export function limitDeclaredBody(maxBytes: number, what = 'The upload'): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const declared = c.req.header('content-length');
    if (declared !== undefined && Number(declared) > maxBytes) {
      c.header('Connection', 'close');
      throw payloadTooLarge(what, maxBytes);
    }
    await next();
  };
}

/**
 * `receiveUpload` for a route. A failure may be answered before the client has sent the whole
 * body, and the server then drops the rest of it with the connection: the answer says so
 * (`Connection: close`), so that a client does not send its next request on that connection.
 */
export async function receiveUploadIn(c: Context<AppEnv>, options: UploadOptions): Promise<Upload> {
  try {
    return await receiveUpload(c.req.raw, options);
  } catch (e) {
    c.header('Connection', 'close');
    throw e;
  }
}

/** What the parser's events found (closures set it, so kept in an object the compiler does not narrow). */
interface FormState {
  file: ReceivedUpload | null;
  fields: Record<string, string>;
  /** The file's write, settled (its error is recorded in `storage`). */
  written: Promise<void> | null;
  /** The first thing wrong with the form as sent (a 4xx). */
  problem: ApiError | null;
  /** busboy's own error: a form that is not well formed. */
  malformed: Error | null;
  /** The temporary file could not be written. */
  storage: Error | null;
  /** Settles when the parser has read the whole form (rejects with its error). */
  closed: Promise<unknown>;
}

function openParser(contentType: string, options: UploadOptions): busboy.Busboy {
  const longest = Math.max(0, ...Object.values(options.fields ?? {}));
  try {
    return busboy({
      headers: { 'content-type': contentType },
      // Browsers send a file name's UTF-8 bytes as they are (Umlauts in German file names).
      defParamCharset: 'utf8',
      // busboy reports a limit when it is reached: one more tells a file just at the largest size
      // allowed (a field at its limit, a form of MAX_PARTS parts) from one over it.
      limits: { fileSize: options.maxFileBytes + 1, fieldSize: longest + 1, parts: MAX_PARTS + 1 },
    });
  } catch (e) {
    throw badForm(`The multipart body cannot be read: ${e instanceof Error ? e.message : String(e)}.`);
  }
}

/** Follows the parser's events: the file part into `dir`, the text fields asked for, every problem. */
function listen(
  parser: busboy.Busboy,
  dir: string,
  options: UploadOptions,
  stopReading: () => void,
): FormState {
  const wanted = options.fields ?? {};
  const openFile =
    options.openFile ?? ((path: string) => createWriteStream(path, { flags: 'wx', mode: 0o600 }));
  const closed = once(parser, 'close');
  closed.catch(() => undefined);
  const state: FormState = {
    file: null,
    fields: {},
    written: null,
    problem: null,
    malformed: null,
    storage: null,
    closed,
  };
  const fail = (e: ApiError) => {
    state.problem ??= e;
  };
  const field = (name: string, value: string, truncated: boolean) => {
    if (name === options.fileField) {
      fail(badForm(`form field ${name}: must be a file`));
      return;
    }
    const limit = wanted[name];
    if (limit === undefined) return;
    if (truncated || Buffer.byteLength(value) > limit) {
      fail(badForm(`form field ${name}: longer than ${limit} bytes`));
      return;
    }
    state.fields[name] = value;
  };
  /** A text field busboy delivers as a stream: read up to its limit (one byte more tells). */
  const streamedField = (name: string, stream: NodeJS.ReadableStream) => {
    const limit = name === options.fileField ? 0 : (wanted[name] ?? 0);
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      if (size <= limit) chunks.push(chunk);
      size += chunk.length;
    });
    stream.on('end', () => field(name, Buffer.concat(chunks).toString('utf8'), size > limit));
  };
  parser.on('file', (name, stream, info) => {
    // busboy ends the part being read with an error when the form breaks off or the parser is
    // ended; with no listener that error would end the server process. It is the parser's own
    // (state.malformed) or one this side caused (the limit, a failed write), handled there.
    stream.on('error', () => undefined);
    // busboy counts a part of type application/octet-stream as a file even without a file name
    // (and drops an empty one, as a browser sends for a file input left empty): a text field
    // here, so `file` sent that way is a 400 "must be a file".
    if (info.filename === undefined) return streamedField(name, stream);
    if (name !== options.fileField) return stream.resume();
    if (state.file !== null) {
      fail(badForm(`form field ${name}: one file only`));
      return stream.resume();
    }
    const received: ReceivedUpload = { filename: info.filename, path: join(dir, 'upload'), size: 0 };
    state.file = received;
    stream.on('data', (chunk: Buffer) => {
      received.size += chunk.length;
    });
    stream.on('limit', () => fail(payloadTooLarge('The file', options.maxFileBytes)));
    const out = openFile(received.path);
    // Both registered before the pipeline's own listeners, so they run before it ends the file
    // stream in turn.
    const writerEnded = (e: Error | null) => {
      // A form that broke off: busboy ended the file stream with its error first, and the
      // pipeline passed it on to the writer. Otherwise the disk refused the file (or the writer
      // closed before it was written), and busboy would wait for ever for a file stream that no
      // longer reads: the parser is ended here (its write and close then reject, the read loop
      // stops).
      if (stream.errored || state.storage !== null) return;
      state.storage = e ?? new Error('the temporary file was closed before the upload was in it');
      parser.destroy(state.storage);
      // Answered now, not when the client sends its next chunk (a paused client held it open).
      stopReading();
    };
    out.once('error', (e: Error) => writerEnded(e));
    out.once('close', () => {
      if (!out.writableFinished) writerEnded(null);
    });
    // Awaited after the body (its error is handled above).
    state.written = pipeline(stream, out).catch(() => undefined);
  });
  parser.on('field', (name, value, info) => field(name, value, info.valueTruncated));
  parser.on('partsLimit', () => fail(badForm(`The form has more than ${MAX_PARTS} parts.`)));
  parser.on('error', (e: Error) => {
    state.malformed ??= e;
  });
  return state;
}

/** Writes the body into the parser as it arrives, counting it, and waits for the form's end. */
async function feed(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  parser: busboy.Busboy,
  state: FormState,
  maxBodyBytes: number,
): Promise<void> {
  let received = 0;
  for (;;) {
    let step: Awaited<ReturnType<typeof reader.read>>;
    try {
      step = await reader.read();
    } catch (e) {
      // The client went away or the connection broke: nobody to blame on this side.
      throw new ApiError(
        400,
        'upload_interrupted',
        `The upload broke off: ${e instanceof Error ? e.message : String(e)}.`,
      );
    }
    if (step.done) break;
    received += step.value.length;
    if (received > maxBodyBytes) throw payloadTooLarge('The upload', maxBodyBytes);
    // Ended by a failed write (listen): a write now would neither fail nor drain.
    if (parser.destroyed) throw state.storage ?? new Error('the form parser has ended');
    if (!parser.write(step.value)) await once(parser, 'drain');
  }
  if (parser.destroyed) throw state.storage ?? new Error('the form parser has ended');
  parser.end();
  await state.closed;
  await state.written;
  if (state.storage !== null) throw storageFailed(state.storage);
  if (state.problem !== null) throw state.problem;
}

/**
 * Reads a multipart/form-data request to its end. Rejects with a 400 for a body that is not a
 * well-formed form (or whose named field is not what it should be) and for one that breaks off,
 * a 413 for a file or body over its limit, a 503 when the temporary file cannot be written; on
 * any rejection nothing is left on disk. The caller disposes of the upload when done with it.
 */
export async function receiveUpload(req: Request, options: UploadOptions): Promise<Upload> {
  if (!isMultipart(req)) throw badForm('Send multipart/form-data.');
  const body = req.body;
  if (body === null) throw badForm('The multipart body is empty.');
  const parser = openParser(req.headers.get('content-type') ?? '', options);
  // Before the directory: a body that something has read already fails here, leaving nothing.
  const reader = body.getReader();
  const stopReading = () => reader.cancel().catch(() => undefined);
  let dir: string;
  try {
    dir = await mkdtemp(join(options.tmpDir ?? tmpdir(), UPLOAD_DIR_PREFIX));
  } catch (e) {
    await stopReading();
    throw storageFailed(e);
  }
  const dispose = () => rm(dir, { recursive: true, force: true });
  const state = listen(parser, dir, options, () => void stopReading());
  try {
    await feed(reader, parser, state, options.maxBodyBytes);
  } catch (e) {
    await stopReading();
    parser.destroy();
    await state.written;
    // The answer is the failure above, not a directory that could not be removed.
    await dispose().catch(() => undefined);
    if (state.storage !== null) throw storageFailed(state.storage);
    if (e instanceof ApiError) throw e;
    if (state.malformed !== null)
      throw badForm(`The multipart body cannot be read: ${state.malformed.message}.`);
    throw e;
  }
  const { file, fields } = state;
  return {
    file,
    fields,
    bytes: async () => (file === null ? new Uint8Array(0) : new Uint8Array(await readFile(file.path))),
    dispose,
  };
}

/**
 * Removes upload directories older than `maxAgeMs` under the temporary directory: those of a
 * server that stopped mid-import (a crash, a kill, a shutdown that did not wait for a background
 * job). By age, not all of them: other instances may share the directory. Returns how many.
 */
export async function sweepUploads(maxAgeMs: number, now = Date.now(), dir = tmpdir()): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    if (!name.startsWith(UPLOAD_DIR_PREFIX)) continue;
    const path = join(dir, name);
    try {
      const s = await stat(path);
      if (!s.isDirectory() || now - s.mtimeMs < maxAgeMs) continue;
      await rm(path, { recursive: true, force: true });
      removed++;
    } catch {
      // Gone meanwhile, or not ours to remove: left alone.
    }
  }
  return removed;
}
