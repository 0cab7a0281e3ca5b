/**
 * The import wizard's preview without isolation (the app of the API tests: the file is read in
 * the server's process, as imports are): it refuses what the import refuses, with the import's
 * message, shows a bounded part of any file, and runs only a few at a time (previewSlots).
 * With isolation (a served app) see tests/reliability/preview-worker.test.ts.
 */
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { RegionResolver } from '../../etl/regions.js';
import { FileRejection } from '../../etl/types.js';
import type { AppEnv } from '../../server/http/env.js';
import { onError } from '../../server/http/errors.js';
import { previewSlots } from '../../server/routes/import-wizard.js';
import { UNKNOWN_LAYOUT_SPEC } from '../fixtures/unknown-layout.js';
import { collectingLogger } from '../helpers/log-lines.js';
import { ADMIN_TOKEN, getJson, setup, type TestContext } from './fixture.js';

const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };

function form(name: string, data: Uint8Array<ArrayBuffer> | string, spec?: unknown): FormData {
  const f = new FormData();
  if (spec !== undefined) f.append('spec', JSON.stringify(spec));
  f.append('file', new File([data], name));
  return f;
}

const post = (ctx: TestContext, path: string, body: FormData) =>
  getJson(ctx, path, { method: 'POST', headers: auth, body });

interface PreviewBody {
  error?: { code: string; message: string };
  sheets: { rows: { number: number; cells: string[] }[] }[];
  result: { count: number; issues: unknown[]; issueCount: number } | null;
}

describe("the import wizard's preview reads a file as the import does", () => {
  it('refuses random bytes named .xlsx, UTF-16 without BOM, an old .xls and an empty file with the import’s message', async () => {
    const ctx = await setup();
    const noise = new Uint8Array(4096).map((_, i) => (i * 7919 + 13) % 256);
    noise[0] = 0x13;
    const utf16 = new Uint8Array(
      Buffer.from(
        'region;region_name;month;indicator;gender;value;flag\n01060;K;2024-01;INT;total;3;\n',
        'utf16le',
      ),
    );
    const xls = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]);
    const cases: [string, Uint8Array<ArrayBuffer>, string][] = [
      ['zufall.xlsx', noise, 'zufall.xlsx: keine gültige .xlsx-Datei (kein ZIP-Archiv)'],
      [
        'utf16.csv',
        utf16,
        'utf16.csv, Zeile 1: Format nicht erkannt: die Datei ist offenbar UTF-16 ohne Byte-Order-Mark (bitte als UTF-8 oder als UTF-16 mit BOM speichern)',
      ],
      [
        'alt.xls',
        xls,
        'alt.xls: altes Excel-Format (.xls) wird nicht unterstützt: bitte als .xlsx oder CSV speichern',
      ],
      ['leer.csv', new Uint8Array([0x20, 0x0a]), 'leer.csv: Datei ist leer'],
    ];
    for (const [name, data, message] of cases) {
      const imported = await post(ctx, '/api/imports', form(name, data));
      expect(imported.status, name).toBe(422);
      expect((imported.body as PreviewBody).error, name).toEqual({ code: 'file_rejected', message });
      for (const spec of [undefined, UNKNOWN_LAYOUT_SPEC]) {
        const preview = await post(ctx, '/api/import-wizard/preview', form(name, data, spec));
        expect(preview.status, name).toBe(422);
        expect((preview.body as PreviewBody).error, name).toEqual({ code: 'file_rejected', message });
      }
    }
  });

  it('a text with a NUL that is not UTF-16 is refused naming its line', async () => {
    const ctx = await setup();
    const text = 'Monat;Wert\nJanuar 2024;1\nFebruar 2024;2\u0000\n';
    const preview = await post(ctx, '/api/import-wizard/preview', form('nul.csv', text));
    expect(preview.status).toBe(422);
    expect((preview.body as PreviewBody).error?.message).toBe(
      'nul.csv, Zeile 3: Format nicht erkannt: die Datei enthält ein Null-Byte (keine Textdatei; erwartet CSV als UTF-8, UTF-16 mit BOM oder Windows-1252)',
    );
  });

  it('shows at most 1,000 cells of a row and lists the first 1,000 failing cells, counting all', async () => {
    const ctx = await setup();
    const wide = `Monat;${Array.from({ length: 5000 }, (_, i) => `S${i}`).join(';')}\nJanuar 2024;${'1;'.repeat(4999)}1\n`;
    const shown = await post(ctx, '/api/import-wizard/preview', form('breit.csv', wide));
    expect(shown.status).toBe(200);
    const rows = (shown.body as PreviewBody).sheets[0]?.rows ?? [];
    expect(rows.map((r) => r.cells.length)).toEqual([1000, 1000]);

    // 1,200 months with a value that is no number each.
    const lines = Array.from(
      { length: 1200 },
      (_, i) => `${1990 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')};zwölf`,
    );
    const spec = {
      ...UNKNOWN_LAYOUT_SPEC,
      series: [{ line: 1, indicator: 'LZB', gender: 'total' }],
      region: { from: 'fixed', region: '01060' },
    };
    const failing = await post(
      ctx,
      '/api/import-wizard/preview',
      form('x.csv', `Monat;LZB\n${lines.join('\n')}\n`, spec),
    );
    expect(failing.status).toBe(200);
    const result = (failing.body as PreviewBody).result;
    expect(result?.count).toBe(0);
    expect(result?.issues).toHaveLength(1000);
    expect(result?.issueCount).toBe(1200);
  });
});

describe('a region key from a mapping', () => {
  it('a fixed region must be a region key: path-like or markup keys are refused with 400 naming the field', async () => {
    const ctx = await setup();
    for (const region of ['../../x', '<b>x</b>', 'a b', '=cmd']) {
      const spec = { ...UNKNOWN_LAYOUT_SPEC, region: { from: 'fixed', region } };
      const r = await post(ctx, '/api/import-wizard/preview', form('x.csv', 'Monat;LZB\n2024-01;5\n', spec));
      expect(r.status, region).toBe(400);
      expect(JSON.stringify(r.body), region).toContain('region.region: must be a region key');
    }
  });

  it('a key that is no region key never becomes a region, whichever way it arrives', () => {
    const resolver = new RegionResolver({ regions: [], aliases: [], jobcenters: [] });
    expect(resolver.byKey('01060')).toEqual({ id: '01060', name: null, aliases: [] });
    for (const key of ['../../x', '<b>x</b>', 'a b', '=cmd', '']) {
      expect(() => resolver.byKey(key), key).toThrow(FileRejection);
      expect(() => resolver.byKey(key), key).toThrow('ist kein Regionalschlüssel');
    }
  });
});

describe('previewSlots: a few previews at a time', () => {
  it('runs `running` at once, queues `waiting` more, answers 503 with Retry-After beyond; a client that leaves the queue frees its place', async () => {
    const slots = previewSlots(1, 1);
    const gates: (() => void)[] = [];
    const app = new Hono<AppEnv>().get('/', async (c) => {
      const release = await slots(c, c.req.raw.signal);
      try {
        await new Promise<void>((r) => gates.push(r));
      } finally {
        release();
      }
      return c.text('ok');
    });
    app.onError(onError);
    const until = async (ok: () => boolean) => {
      for (let i = 0; i < 1000 && !ok(); i++) await new Promise((r) => setImmediate(r));
      expect(ok()).toBe(true);
    };
    const first = app.request('/');
    await until(() => gates.length === 1);
    const second = app.request('/'); // queued
    const third = await app.request('/');
    expect(third.status).toBe(503);
    expect(third.headers.get('Retry-After')).toBe('5');
    const refused = (await third.json()) as { error: { code: string; message: string } };
    expect(refused.error.code).toBe('preview_busy');
    expect(refused.error.message).toContain('Zu viele Dateivorschauen gleichzeitig');
    gates[0]?.();
    expect((await first).status).toBe(200);
    await until(() => gates.length === 2); // the queued one runs
    const leaving = new AbortController();
    const left = Promise.resolve(app.request('/', { signal: leaving.signal })); // queued
    await new Promise((r) => setImmediate(r));
    leaving.abort();
    await left.catch(() => undefined);
    const fourth = app.request('/'); // queued in the place the other left
    gates[1]?.();
    expect((await second).status).toBe(200);
    await until(() => gates.length === 3);
    gates[2]?.();
    expect((await fourth).status).toBe(200);
  });

  it('refuseIfFull: a 503 before the upload is read when every place is taken, nothing while one is free', async () => {
    const slots = previewSlots(1, 1);
    const held: (() => void)[] = [];
    const { logger, lines } = collectingLogger('info');
    const app = new Hono<AppEnv>()
      .use(async (c, next) => {
        c.set('logger', logger as unknown as AppEnv['Variables']['logger']);
        await next();
      })
      .get('/check', (c) => {
        slots.refuseIfFull(c);
        return c.text('free');
      })
      .get('/take', async (c) => {
        held.push(await slots(c, new AbortController().signal));
        return c.text('taken');
      });
    app.onError(onError);
    expect((await app.request('/check')).status).toBe(200);
    await app.request('/take'); // running
    expect((await app.request('/check')).status).toBe(200); // a place in the queue is free
    const queued = app.request('/take');
    await new Promise((r) => setImmediate(r));
    const full = await app.request('/check');
    expect(full.status).toBe(503);
    expect(full.headers.get('Retry-After')).toBe('5');
    expect(((await full.json()) as { error: { code: string } }).error.code).toBe('preview_busy');
    // Load shed on purpose: a warning without a stack, not an error for IT to chase.
    expect(lines.map((l) => [l.level, l.code, 'err' in l])).toEqual([[40, 'preview_busy', false]]);
    held[0]?.(); // the queued one runs: a place in the queue again
    expect((await queued).status).toBe(200);
    expect((await app.request('/check')).status).toBe(200);
    for (const release of held) release();
  });

  it('a client gone before it asks takes no place, not even a free one', async () => {
    const slots = previewSlots(1, 1);
    const gone = new AbortController();
    gone.abort();
    const app = new Hono<AppEnv>().get('/', async (c) => {
      await expect(slots(c, gone.signal)).rejects.toThrow();
      // The slot it would have taken is still free.
      const release = await slots(c, new AbortController().signal);
      release();
      return c.text('ok');
    });
    expect((await app.request('/')).status).toBe(200);
  });
});
