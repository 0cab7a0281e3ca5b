import { describe, expect, it } from 'vitest';
import { acquireImportLock } from '../../etl/lock.js';
import { UNKNOWN_LAYOUT_SPEC, unknownLayoutCsv } from '../fixtures/unknown-layout.js';
import { pluck } from '../helpers/db.js';
import { ADMIN_TOKEN, getJson, setup, type TestContext } from './fixture.js';

const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const json = { ...auth, 'Content-Type': 'application/json' };

function form(name: string, text: string, spec?: unknown): FormData {
  const f = new FormData();
  f.append('file', new File([text], name));
  if (spec !== undefined) f.append('spec', typeof spec === 'string' ? spec : JSON.stringify(spec));
  return f;
}

async function waitForJob(ctx: TestContext, id: string) {
  for (let i = 0; i < 200; i++) {
    const r = await getJson(ctx, `/api/import-wizard/jobs/${id}`);
    const job = (r.body as { job: { state: string; percent: number; error: string | null } }).job;
    if (job.state !== 'running') return job;
    await new Promise((res) => setTimeout(res, 10));
  }
  throw new Error('job did not finish');
}

describe('import mappings and the wizard API', () => {
  it('mappings: writes need the token; a bad spec is a 400 naming the field; export → import round trip', async () => {
    const ctx = await setup();
    const m = { name: 'LZB Segeberg', pattern: 'lzb-segeberg-*.csv', spec: UNKNOWN_LAYOUT_SPEC };
    expect(
      (
        await getJson(ctx, '/api/import-mappings', {
          method: 'POST',
          body: JSON.stringify(m),
          headers: { 'Content-Type': 'application/json' },
        })
      ).status,
    ).toBe(401);
    const bad = await getJson(ctx, '/api/import-mappings', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ ...m, spec: { ...UNKNOWN_LAYOUT_SPEC, monthAxis: 'diagonal' } }),
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('monthAxis');
    // A series naming an indicator the database does not know: refused, nothing saved.
    const nope = {
      ...UNKNOWN_LAYOUT_SPEC,
      series: [{ ...UNKNOWN_LAYOUT_SPEC.series[0], indicator: 'NOPE' }],
    };
    const unknown = await getJson(ctx, '/api/import-mappings', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ ...m, pattern: '*', spec: nope }),
    });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain("series 1: unbekannte Kennzahl 'NOPE'");
    // Matched as the import matches codes (case and spaces aside); a computed one is refused too.
    const lower = {
      ...UNKNOWN_LAYOUT_SPEC,
      series: [{ ...UNKNOWN_LAYOUT_SPEC.series[0], indicator: ' lzb ' }],
    };
    const computed = {
      ...UNKNOWN_LAYOUT_SPEC,
      series: [{ ...UNKNOWN_LAYOUT_SPEC.series[0], indicator: 'K2' }],
    };
    const refusedComputed = await getJson(ctx, '/api/import-mappings', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ ...m, name: 'berechnet', spec: computed }),
    });
    expect(refusedComputed.status).toBe(400);
    expect(JSON.stringify(refusedComputed.body)).toContain(
      "Kennzahl 'K2' wird aus den Grundzahlen berechnet",
    );
    const lowerCase = await getJson(ctx, '/api/import-mappings', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ ...m, name: 'klein', pattern: 'klein-*.csv', spec: lower }),
    });
    expect(lowerCase.status).toBe(201);
    await getJson(ctx, `/api/import-mappings/${(lowerCase.body as { mapping: { id: number } }).mapping.id}`, {
      method: 'DELETE',
      headers: json,
    });
    const viaImport = await getJson(ctx, '/api/import-mappings/import', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ mappings: [m, { ...m, name: 'kaputt', spec: nope }] }),
    });
    expect(viaImport.status).toBe(400);
    // One name twice in one file: the second would silently replace the first.
    const twice = await getJson(ctx, '/api/import-mappings/import', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ mappings: [m, { ...m, pattern: 'anders-*.csv' }] }),
    });
    expect(twice.status).toBe(400);
    expect(JSON.stringify(twice.body)).toContain('mappings.1.name: \\"LZB Segeberg\\" is given twice');
    expect(((await getJson(ctx, '/api/import-mappings')).body as { mappings: unknown[] }).mappings).toEqual(
      [],
    );
    // Ids are digits only: ' 1', '1.0', '1e3' and '0x10' name no mapping (they were read as numbers).
    for (const id of ['%201', '1.0', '1e3', '0x10', '-1', '0']) {
      const r = await getJson(ctx, `/api/import-mappings/${id}`, { method: 'DELETE', headers: json });
      expect(r.status, id).toBe(400);
      expect(JSON.stringify(r.body), id).toContain('id: must be a mapping id');
    }
    const created = await getJson(ctx, '/api/import-mappings', {
      method: 'POST',
      headers: json,
      body: JSON.stringify(m),
    });
    expect(created.status).toBe(201);
    const id = (created.body as { mapping: { id: number } }).mapping.id;
    const list = (await getJson(ctx, '/api/import-mappings')).body as {
      builtin: { name: string }[];
      mappings: { name: string; pattern: string }[];
    };
    expect(list.builtin.map((b) => b.name)).toEqual(['BA-Statistiktabelle', 'Eckwerte für Jobcenter']);
    expect(list.mappings).toMatchObject([{ name: 'LZB Segeberg', pattern: 'lzb-segeberg-*.csv' }]);
    const other = await getJson(ctx, '/api/import-mappings', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ ...m, name: 'Andere' }),
    });
    const otherId = (other.body as { mapping: { id: number } }).mapping.id;
    const taken = await getJson(ctx, `/api/import-mappings/${otherId}`, {
      method: 'PUT',
      headers: json,
      body: JSON.stringify(m),
    });
    expect(taken.status).toBe(409);
    const renamed = await getJson(ctx, `/api/import-mappings/${otherId}`, {
      method: 'PUT',
      headers: json,
      body: JSON.stringify({ ...m, name: 'Andere', pattern: 'andere-*.csv' }),
    });
    expect(renamed.body).toMatchObject({ mapping: { pattern: 'andere-*.csv' } });
    expect(
      (await getJson(ctx, `/api/import-mappings/${otherId}`, { method: 'DELETE', headers: auth })).status,
    ).toBe(200);
    const exported = (await getJson(ctx, '/api/import-mappings/export')).body;
    expect(
      (await getJson(ctx, `/api/import-mappings/${id}`, { method: 'DELETE', headers: auth })).status,
    ).toBe(200);
    expect(
      (await getJson(ctx, `/api/import-mappings/${id}`, { method: 'DELETE', headers: auth })).status,
    ).toBe(404);
    const imported = await getJson(ctx, '/api/import-mappings/import', {
      method: 'POST',
      headers: json,
      body: JSON.stringify(exported),
    });
    expect(imported.body).toMatchObject({ imported: 1 });
    expect(
      ((await getJson(ctx, '/api/import-mappings')).body as { mappings: unknown[] }).mappings,
    ).toHaveLength(1);
  });

  it('preview: sheets and detected month axis; with a draft the observations and failing cells; writes nothing', async () => {
    const ctx = await setup();
    const before = await pluck(ctx.db, 'select count(*) from observations');
    const plain = await getJson(ctx, '/api/import-wizard/preview', {
      method: 'POST',
      headers: auth,
      body: form('x.csv', unknownLayoutCsv(3)),
    });
    expect(plain.status).toBe(200);
    expect(plain.body).toMatchObject({
      result: null,
      sheets: [{ name: null, monthAxis: { axis: 'rows', column: 0 } }],
    });
    const draft = await getJson(ctx, '/api/import-wizard/preview', {
      method: 'POST',
      headers: auth,
      body: form('x.csv', unknownLayoutCsv(3).replace('3355', '3.3x5'), UNKNOWN_LAYOUT_SPEC),
    });
    const result = (draft.body as { result: { count: number; issues: { row: number; column: string }[] } })
      .result;
    expect(result.count).toBe(8);
    expect(result.issues).toMatchObject([{ row: 5, column: 'C' }]);
    const badSpec = await getJson(ctx, '/api/import-wizard/preview', {
      method: 'POST',
      headers: auth,
      body: form('x.csv', 'a', '{nope'),
    });
    expect(badSpec.status).toBe(400);
    const nulSpec = await getJson(ctx, '/api/import-wizard/preview', {
      method: 'POST',
      headers: auth,
      body: form('x.csv', 'a', { ...UNKNOWN_LAYOUT_SPEC, sheet: 'Daten\u0000' }),
    });
    expect(nulSpec).toMatchObject({
      status: 400,
      body: { error: { message: 'form field spec: sheet: must not contain NUL characters' } },
    });
    expect(await pluck(ctx.db, 'select count(*) from observations')).toBe(before);
  });

  it('background import: 202 with a job, polled to the result; a rejected file names file, row and column', async () => {
    const ctx = await setup();
    const start = await getJson(ctx, '/api/import-wizard/jobs', {
      method: 'POST',
      headers: auth,
      body: form(
        'a.csv',
        'region;region_name;month;indicator;gender;value;flag\n01060;K;2024-12;INT;total;1,5;\n',
      ),
    });
    expect(start.status).toBe(202);
    const job = await waitForJob(ctx, (start.body as { job: { id: string } }).job.id);
    expect(job.state).toBe('failed');
    expect(job.error).toMatch(/^Datei a\.csv, Zeile 2, Spalte 'value': 1,5 ist keine ganze Zahl/);
    const ok = await getJson(ctx, '/api/import-wizard/jobs', {
      method: 'POST',
      headers: auth,
      body: form(
        'b.csv',
        'region;region_name;month;indicator;gender;value;flag\n01060;K;2025-01;INT;total;15;\n',
      ),
    });
    const done = await waitForJob(ctx, (ok.body as { job: { id: string } }).job.id);
    expect(done).toMatchObject({ state: 'done', percent: 100, error: null });
    // The run log names who uploaded, both the rejected and the imported file's run.
    const runs = (await getJson(ctx, '/api/imports')).body as { runs: { startedBy: string | null }[] };
    expect(runs.runs.slice(0, 2).map((r) => r.startedBy)).toEqual(['ADMIN_TOKEN', 'ADMIN_TOKEN']);
    expect((await getJson(ctx, '/api/import-wizard/jobs/nope')).status).toBe(404);
  });

  it('background import: anonymous readers see no e-mail address and no server path in the job, as in the import log', async () => {
    const ctx = await setup();
    const start = await getJson(ctx, '/api/import-wizard/jobs', {
      method: 'POST',
      headers: auth,
      body: form(
        'bad-mail.csv',
        'region;region_name;month;indicator;gender;value;flag\n01060;K;2024-08;INT;total;max.mustermann@jc.example;\n',
      ),
    });
    const id = (start.body as { job: { id: string } }).job.id;
    const job = await waitForJob(ctx, id);
    expect(job.state).toBe('failed');
    for (const path of [`/api/import-wizard/jobs/${id}`, '/api/import-wizard/jobs']) {
      const anonymous = JSON.stringify((await getJson(ctx, path)).body);
      expect(anonymous).not.toContain('max.mustermann@jc.example');
      expect(anonymous).toContain('(E-Mail-Adresse verborgen)');
      expect(anonymous).not.toMatch(/"path":"[^"]*\//);
    }
    // An admin sees the cell as it was (as in the import log).
    expect(
      JSON.stringify((await getJson(ctx, `/api/import-wizard/jobs/${id}`, { headers: auth })).body),
    ).toContain('max.mustermann@jc.example');
  });

  it('background import while another import runs: 409 import_busy up front, no job, no run; 202 once it is over', async () => {
    const ctx = await setup();
    const file = () =>
      form('c.csv', 'region;region_name;month;indicator;gender;value;flag\n01060;K;2025-02;INT;total;16;\n');
    const runsBefore = await pluck(ctx.db, 'select count(*) from import_runs');
    // Another import holds the lock (the command line, the schedule, another instance).
    const lock = await acquireImportLock(ctx.db, () => new Date());
    try {
      const busy = await getJson(ctx, '/api/import-wizard/jobs', {
        method: 'POST',
        headers: auth,
        body: file(),
      });
      expect(busy.status).toBe(409);
      expect(busy.body).toMatchObject({ error: { code: 'import_busy' } });
      expect((await getJson(ctx, '/api/import-wizard/jobs')).body).toEqual({ jobs: [] });
    } finally {
      await lock.release();
    }
    // A job of this instance still running: the second is refused the same way.
    const first = await getJson(ctx, '/api/import-wizard/jobs', {
      method: 'POST',
      headers: auth,
      body: file(),
    });
    const second = await getJson(ctx, '/api/import-wizard/jobs', {
      method: 'POST',
      headers: auth,
      body: file(),
    });
    expect([first.status, second.status]).toEqual([202, 409]);
    const done = await waitForJob(ctx, (first.body as { job: { id: string } }).job.id);
    expect(done).toMatchObject({ state: 'done', error: null });
    expect(await pluck(ctx.db, 'select count(*) from import_runs')).toBe(Number(runsBefore) + 1);
  });
});
