/**
 * Multipart uploads read as a stream. busboy parses the body chunk by chunk as it arrives and the
 * file part is written to a private temporary file, so a large upload never holds the event loop
 * (a whole-body `Request.formData()` parsed a 17.5 MB body in one go, and the route then copied
 * the file and handed the copy to the import worker) and never sits in the server's memory.
 *
 * Text fields are accepted by name with a byte limit each; other text fields and file parts under
 * other names are read past and ignored, as a form schema ignores unknown keys.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { ApiError } from '../errors.js';

export interface UploadOptions {
  /** The form field that carries the file. */
  fileField: string;
  /** The largest file accepted, in bytes: one more is a 413. */
  maxFileBytes: number;
  /** Text fields read, each with its largest length in bytes (longer is a 400). */
  fields?: Readonly<Record<string, number>>;
  /** Where the temporary directory is made (default: the system's). */
  tmpDir?: string;
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

/**
 * Reads a multipart/form-data request to its end. Rejects with a 400 for a body that is not a
 * well-formed form (or whose named field is not what it should be), a 413 for a file over the
 * limit; on any rejection nothing is left on disk. The caller disposes of the upload when done.
 */
export async function receiveUpload(req: Request, options: UploadOptions): Promise<Upload> {
  const contentType = req.headers.get('content-type') ?? '';
  if (!isMultipart(req)) throw badForm('Send multipart/form-data.');
  const wanted = options.fields ?? {};
  const longest = Math.max(0, ...Object.values(wanted));
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { 'content-type': contentType },
      // Browsers send a file name's UTF-8 bytes as they are (Umlauts in German file names).
      defParamCharset: 'utf8',
      // busboy reports its limit when a file reaches it: one byte more tells a file just at the
      // largest size allowed from one over it (and a field at its limit from one over it).
      limits: { fileSize: options.maxFileBytes + 1, fieldSize: longest + 1, parts: 100, fieldNameSize: 200 },
    });
  } catch (e) {
    throw badForm(`The multipart body cannot be read: ${e instanceof Error ? e.message : String(e)}.`);
  }

  const dir = await mkdtemp(join(options.tmpDir ?? tmpdir(), 'zielmonitor-upload-'));
  const dispose = () => rm(dir, { recursive: true, force: true });
  const fields: Record<string, string> = {};
  // Set by the parser's events (closures, so kept in an object the compiler does not narrow).
  const got: {
    file: ReceivedUpload | null;
    written: Promise<void> | null;
    problem: ApiError | null;
    malformed: Error | null;
  } = { file: null, written: null, problem: null, malformed: null };
  const fail = (e: ApiError) => {
    got.problem ??= e;
  };

  parser.on('file', (name, stream, info) => {
    if (name !== options.fileField) {
      stream.resume();
      return;
    }
    if (got.file !== null) {
      fail(badForm(`form field ${name}: one file only`));
      stream.resume();
      return;
    }
    const received: ReceivedUpload = { filename: info.filename ?? '', path: join(dir, 'upload'), size: 0 };
    got.file = received;
    stream.on('data', (chunk: Buffer) => {
      received.size += chunk.length;
    });
    stream.on('limit', () => {
      fail(
        new ApiError(
          413,
          'payload_too_large',
          `The file is larger than the limit of ${options.maxFileBytes} bytes.`,
        ),
      );
    });
    got.written = pipeline(stream, createWriteStream(received.path, { flags: 'wx', mode: 0o600 }));
    // Awaited after the body; a write error until then must not be unhandled.
    got.written.catch(() => undefined);
  });
  parser.on('field', (name, value, info) => {
    if (name === options.fileField) {
      fail(badForm(`form field ${name}: must be a file`));
      return;
    }
    const limit = wanted[name];
    if (limit === undefined) return;
    if (info.valueTruncated || Buffer.byteLength(value) > limit) {
      fail(badForm(`form field ${name}: longer than ${limit} bytes`));
      return;
    }
    fields[name] = value;
  });
  parser.on('partsLimit', () => fail(badForm('The form has too many parts.')));
  parser.on('error', (e: Error) => {
    got.malformed ??= e;
  });
  const closed = once(parser, 'close');
  closed.catch(() => undefined);

  try {
    const body = req.body;
    if (body === null) throw badForm('The multipart body is empty.');
    try {
      // The body's own errors (the body limit, a dropped connection) pass as they are.
      const reader = body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (!parser.write(value)) await once(parser, 'drain');
      }
      parser.end();
      await closed;
      if (got.written !== null) await got.written;
    } catch (e) {
      if (got.malformed !== null)
        throw badForm(`The multipart body cannot be read: ${got.malformed.message}.`);
      throw e;
    }
    if (got.problem !== null) throw got.problem;
  } catch (e) {
    parser.destroy();
    await dispose();
    throw e;
  }
  const { file } = got;
  return {
    file,
    fields,
    bytes: async () => (file === null ? new Uint8Array(0) : new Uint8Array(await readFile(file.path))),
    dispose,
  };
}
