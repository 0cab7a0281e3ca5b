/**
 * The web shows API errors in German, chosen by code: every code the server can send (read from
 * the server and ETL source, and the registry the server's types use) has a German text, and a
 * 4xx with an English server message is shown with that text.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { ERROR_CODES } from '../../core/error-codes.js';
import { ApiRequestError, read } from '../../web/api';
import { ERROR_TEXT, errorText } from '../../web/lib/error-text';
import { sourceFiles } from '../architecture/import-graph.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The code literals of the server's error paths, by file. */
function codesInSource(): Map<string, string[]> {
  const patterns = [
    /new (?:ApiError|DomainError)\(\s*(?:\d{3},\s*)?'([a-z_]+)'/g, // throw sites
    /\bsuper\(\s*'([a-z_]+)'/g, // DomainError subclasses (DatabaseBusyError, ImportBusyError)
    /errorJson\(\s*c,\s*[\w.]+,\s*'([a-z_]+)'/g, // the error handler's own answers
    /error: \{ code: '([a-z_]+)'/g, // an error body built by a route
    /'([a-z_]+)'\s*:\s*'bad_request'/g, // a code chosen in a conditional
    /\brefused\(\s*'([a-z_]+)'/g, // a request node's parser refused (server/http/client-error.ts)
  ];
  const found = new Map<string, string[]>();
  for (const file of sourceFiles(ROOT, ['server', 'etl', 'core'])) {
    const text = readFileSync(path.join(ROOT, file), 'utf8');
    for (const re of patterns) {
      for (const m of text.matchAll(re)) {
        const code = m[1] as string;
        found.set(code, [...(found.get(code) ?? []), file]);
      }
    }
  }
  return found;
}

const ENGLISH = /\b(the|is|not|no|unknown|please|try|again|file|found|error)\b/i;

describe('German error texts', () => {
  const inSource = codesInSource();

  test('every error code in the server source is registered and has a German text', () => {
    expect(inSource.size).toBeGreaterThanOrEqual(25);
    const unregistered = [...inSource.keys()].filter((c) => !(ERROR_CODES as readonly string[]).includes(c));
    expect(unregistered, `codes not in core/error-codes.ts: ${unregistered.join(', ')}`).toEqual([]);
    for (const code of inSource.keys()) {
      expect(ERROR_TEXT[code as keyof typeof ERROR_TEXT], code).toMatch(/\S/);
    }
  });

  test('every registered code is sent somewhere, and its text is German', () => {
    const unused = ERROR_CODES.filter((c) => !inSource.has(c));
    expect(unused, `registered but never sent: ${unused.join(', ')}`).toEqual([]);
    for (const code of ERROR_CODES) {
      const text = ERROR_TEXT[code];
      expect(text, code).toMatch(/^[A-ZÄÖÜ].*\.$/);
      expect(text, code).not.toMatch(ENGLISH);
    }
  });

  test('a 4xx shows the German text of its code, not the English server message', () => {
    const err = new ApiRequestError(404, 'goal_not_found', 'No goal K9-total for region 01060 in 2024');
    expect(errorText(err)).toBe('Dieses Ziel gibt es für die gewählte Region und das gewählte Jahr nicht.');
    expect(errorText(new ApiRequestError(403, 'forbidden', 'This needs the role admin'))).toBe(
      'Dafür fehlt die Berechtigung.',
    );
    expect(errorText(new ApiRequestError(400, 'bad_request', 'Invalid query parameter: month'))).toBe(
      ERROR_TEXT.bad_request,
    );
  });

  test('a rejected file keeps the German detail of the server (file, sheet, row, column)', () => {
    const err = new ApiRequestError(422, 'file_rejected', 'a.xlsx: Blatt eLb, Zeile 7, Spalte C: keine Zahl');
    expect(errorText(err)).toBe(
      'Die Datei wurde abgelehnt. a.xlsx: Blatt eLb, Zeile 7, Spalte C: keine Zahl',
    );
  });

  test('an unknown code, a non-JSON answer and a network failure get German texts too', () => {
    expect(errorText(new ApiRequestError(418, 'teapot', 'I am a teapot'))).toBe(
      'Der Server hat die Anfrage abgelehnt (Status 418).',
    );
    expect(errorText(new ApiRequestError(502, 'http_502', 'Der Server antwortete mit Status 502.'))).toBe(
      'Der Server hat einen Fehler gemeldet (Status 502).',
    );
    expect(errorText(new TypeError('Failed to fetch'))).toBe(
      'Der Server ist nicht erreichbar. Bitte Verbindung prüfen.',
    );
  });

  test('a 2xx answer that is not JSON (a proxy sign-in page) is a German error, never the parser’s English', async () => {
    const page = new Response('<html>login</html>', {
      status: 200,
      headers: { 'content-type': 'text/html' },
    });
    const err = await read(page as unknown as Parameters<typeof read>[0]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiRequestError);
    expect(errorText(err)).toBe('Der Server hat eine unerwartete Antwort geschickt.');
    let parse: unknown;
    try {
      JSON.parse('<html>');
    } catch (e) {
      parse = e;
    }
    expect(errorText(parse)).toBe('Der Server hat eine unerwartete Antwort geschickt.');
  });
});
