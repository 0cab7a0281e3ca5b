/**
 * The page shells (core/page-shells.ts): which paths get one, how a shell goes into the built
 * index.html, and the build step itself (scripts/page-shells.ts) rendering the app's real
 * components at each page's path.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { PAGE_SHELLS, SHELL_DIR, shellFor } from '../../core/page-shells.js';
import { withShell, writePageShells } from '../../scripts/page-shells.js';
import { PAGE_CSS_VARS } from '../../web/lib/palette';

describe('shellFor', () => {
  test.each([
    ['/', 'overview.html'],
    ['/monate', 'monate.html'],
    ['/ziel/K2-female', 'ziel.html'],
    ['/ziel/EIN_FBW-total', 'ziel.html'],
    ['/importe', 'importe.html'],
    ['/hinweise', 'hinweise.html'],
    ['/verwaltung', 'verwaltung.html'],
  ])('%s → %s', (path, file) => {
    expect(shellFor(path)?.file).toBe(file);
  });

  test.each(['/wall', '/monate/', '/ziel/', '/ziel/a/b', '/monatswerte', '/unbekannt', '/assets/x.js'])(
    '%s has none (index.html)',
    (path) => {
      expect(shellFor(path)).toBeNull();
    },
  );

  test('every shell has a file of its own, and its render path finds it again', () => {
    expect(new Set(PAGE_SHELLS.map((s) => s.file)).size).toBe(PAGE_SHELLS.length);
    for (const s of PAGE_SHELLS) expect(shellFor(s.renderPath)).toBe(s);
  });
});

describe('withShell', () => {
  const html =
    '<!doctype html><head><title>Z</title></head><body><noscript>x</noscript><div id="root"></div></body>';

  test('puts the markup into the empty root, the head part at the end of the head, and leaves the rest', () => {
    expect(withShell(html, '<main>M</main>', '<style>:root{--a:#fff}</style>')).toBe(
      '<!doctype html><head><title>Z</title><style>:root{--a:#fff}</style></head><body><noscript>x</noscript><div id="root"><main>M</main></div></body>',
    );
  });

  test('refuses an index.html without exactly one empty root and one head before it', () => {
    expect(() => withShell('<head></head><div id="root">x</div>', 'm')).toThrow(
      /exactly one <div id="root">/,
    );
    expect(() => withShell(`${html}<div id="root"></div>`, 'm')).toThrow(/exactly one <div id="root">/);
    expect(() => withShell('<div id="root"></div>', 'm')).toThrow(/exactly one <\/head>/);
    expect(() => withShell('<div id="root"></div><head></head>', 'm')).toThrow(/before #root/);
  });
});

describe('writePageShells (the build step)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zm-shells-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const index =
    '<!doctype html><html lang="de"><head><script type="module" src="/assets/index-x.js"></script></head><body><div id="root"></div></body></html>';

  test("renders each page's first render from the app's components into its shell", async () => {
    writeFileSync(join(dir, 'index.html'), index);
    expect(await writePageShells(dir, join(process.cwd(), 'web'))).toBe(PAGE_SHELLS.length);
    const shell = (file: string) => readFileSync(join(dir, SHELL_DIR, file), 'utf8');
    const current = (html: string) =>
      /<a aria-current="page" href="([^"]*)">([^<]*)<\/a>/.exec(html)?.slice(1);

    // The stylesheet's colours, which the browser otherwise gets from the main script.
    const style = `<style>:root{${Object.entries(PAGE_CSS_VARS)
      .map(([k, v]) => `${k}:${v}`)
      .join(';')}}</style>`;
    expect(style).toContain('--header-bg:#');
    for (const s of PAGE_SHELLS) {
      const html = shell(s.file);
      // index.html around it, unchanged; the colours at the end of the head, the chrome in the root.
      const head = `${index.slice(0, index.indexOf('</head>'))}${style}</head><body><div id="root">`;
      expect(html.startsWith(head)).toBe(true);
      expect(html.endsWith('</div></body></html>')).toBe(true);
      expect(html).toContain('<header class="app-header">');
      expect(html).toContain('<nav aria-label="Hauptnavigation">');
      expect(html).toContain('<main id="main" tabindex="-1">');
      expect(html).toContain('<footer class="app-footer">');
      // No script in the markup: the shell is what React renders, nothing more.
      expect(html.match(/<script/g)?.length).toBe(1);
      expect(html.match(/<style>/g)?.length).toBe(1);
    }
    expect(current(shell('overview.html'))).toEqual(['/', 'Überblick']);
    expect(current(shell('ziel.html'))).toEqual(['/', 'Überblick']);
    expect(current(shell('monate.html'))).toEqual(['/monate', 'Monatswerte']);
    expect(current(shell('importe.html'))).toEqual(['/importe', 'Importe']);
    expect(current(shell('hinweise.html'))).toEqual(['/hinweise', 'Hinweise']);
    // The administration link shows only for an administrator, known once /api/me answers.
    expect(shell('verwaltung.html')).not.toContain('Verwaltung</a>');

    // Each page's loading state: the overview's own, the month table's heading and description,
    // the lazy pages' "Seite".
    expect(shell('overview.html')).toContain('Lade Ziele …');
    const months = shell('monate.html');
    expect(months).toContain('<h1 id="months-h" tabindex="-1" data-placeholder="true">Monatswerte</h1>');
    expect(months).toContain(
      '<p class="meta" id="months-d">Integrationen (INT), erwerbsfähige Leistungsberechtigte',
    );
    expect(months).toContain('Lade Monatswerte …');
    for (const f of ['ziel.html', 'importe.html', 'hinweise.html', 'verwaltung.html'])
      expect(shell(f), f).toContain('Lade Seite …');
  }, 60_000);
});
