/**
 * The German texts of the alerts: one block per change (stored on the alert row) and one digest
 * mail per recipient (subject, plain text, HTML). Pure; numbers through the shared de-DE formatter.
 */
import { createHash } from 'node:crypto';
import {
  formatChange,
  formatChangePair,
  formatCount,
  formatDate,
  formatGoalValue,
  formatMonth,
  formatPercent,
  STATUS_TEXT,
  sampleLabel,
} from '../../core/format.js';
import { forecastLine, paceSentence } from '../../core/steering-text.js';
import type { GoalAlertKind } from './changes.js';
import { planGoalRows } from './compose-plan.js';
import type { GoalEvaluation, GoalStatus, Month } from './types.js';

export interface AlertRegion {
  id: string;
  name: string;
  sample: boolean;
  sampleAsOf: string | null;
}

export interface GoalChangeItem {
  type: 'goal';
  key: string;
  kind: GoalAlertKind;
  region: AlertRegion;
  year: number;
  dataMonth: Month;
  previousStatus: GoalStatus | null;
  goal: GoalEvaluation;
  /** The unit of the tracked value: 'percent' (K2: JFW) or 'count' (K3: mean stock). */
  unit: 'percent' | 'count';
  /** Comments on this goal (or its indicator) for the data month, oldest first. */
  comments?: readonly AlertComment[];
}

/** A comment as an alert mail quotes it (plain text; escaped in the HTML part). */
export interface AlertComment {
  author: string;
  text: string;
}

export interface MissingDataItem {
  type: 'missing';
  key: string;
  region: AlertRegion;
  /** The month that should have been loaded. */
  month: Month;
  /** The newest month loaded for the region (null: none). */
  latestMonth: Month | null;
  /** The day by which it should have been loaded ('YYYY-MM-DD'). */
  deadline: string;
}

export type AlertItem = GoalChangeItem | MissingDataItem;

export function statusText(s: GoalStatus): string {
  const t = STATUS_TEXT[s];
  return `${t.icon} ${t.word}`;
}

function forecastStatusText(s: GoalStatus): string {
  const t = STATUS_TEXT[s];
  return s === 'no_data' ? `${t.icon} ${t.word}` : `${t.icon} voraussichtlich ${t.word}`;
}

/** The few words that say what happened to a goal. */
function headline(item: GoalChangeItem): string {
  const word = STATUS_TEXT[item.goal.status].word;
  if (item.kind === 'recovered') return 'wieder im Ziel';
  if (item.kind === 'revision') return `nach Korrektur ${word}`;
  return word;
}

/** One line naming the change (the alert row's subject). */
export function itemSubject(item: AlertItem): string {
  if (item.type === 'missing') return `Daten für ${formatMonth(item.month)} fehlen – ${item.region.name}`;
  return `${item.goal.label} ${headline(item)} – ${item.region.name}, Datenstand ${formatMonth(item.dataMonth)}`;
}

function formatValue(value: number | null, unit: 'percent' | 'count'): string {
  return unit === 'percent' ? formatPercent(value, 2) : formatCount(value);
}

function valueLabel(item: GoalChangeItem, month: Month): string {
  return item.unit === 'percent'
    ? `Jahresfortschrittswert ${formatMonth(month)}`
    : `Ø Bestand Januar bis ${formatMonth(month)}`;
}

/** The previous year's value: the same span a year earlier (K3: a mean over January to the month). */
function previousLabel(item: GoalChangeItem, month: Month): string {
  return item.unit === 'percent'
    ? `Vorjahr (${formatMonth(month)})`
    : `Vorjahr (Ø Januar bis ${formatMonth(month)})`;
}

/** The deep link to the goal page. */
export function goalLink(publicUrl: string, item: GoalChangeItem): string {
  const base = publicUrl.replace(/\/+$/, '');
  const q = new URLSearchParams({ region: item.region.id, year: String(item.year) });
  return `${base}/ziel/${encodeURIComponent(item.goal.id)}?${q.toString()}`;
}

function kindLine(item: GoalChangeItem): string {
  const before = item.previousStatus ? statusText(item.previousStatus) : null;
  switch (item.kind) {
    case 'recovered':
      return `Das Ziel ist wieder erreicht (vorher: ${before ?? '–'}).`;
    case 'revision':
      return `Korrigierte Daten für ${formatMonth(item.dataMonth)} ändern die Bewertung (vorher: ${before ?? '–'}).`;
    case 'worse':
      return before
        ? `Die Bewertung hat sich verschlechtert (vorher: ${before}).`
        : `Erste Bewertung des Jahres ${item.year}: das Ziel ist ${item.goal.status === 'missed' ? 'verfehlt' : 'gefährdet'}.`;
  }
}

interface Row {
  label: string;
  value: string;
}

function goalRows(item: GoalChangeItem, link: string): Row[] {
  const g = item.goal;
  const region = { label: 'Region', value: `${item.region.name} (${item.region.id})` };
  if (g.kind !== 'change') return [region, ...planGoalRows(g, item.dataMonth, link)];
  return [
    region,
    { label: 'Status', value: statusText(g.status) },
    {
      label: valueLabel(item, g.current.month),
      value: g.provisional
        ? `${formatValue(g.current.value, item.unit)} (vorläufig: enthält hochgerechnete BA-Werte, endgültige folgen)`
        : formatValue(g.current.value, item.unit),
    },
    { label: previousLabel(item, g.previous.month), value: formatValue(g.previous.value, item.unit) },
    {
      label: 'Veränderung zum Vorjahr',
      value: changeVsTarget(g.changePct, g.targetChangePct, ''),
    },
    {
      label: `Prognose Dezember ${item.year}`,
      value: `${forecastLine(g.forecast, g.targetChangePct).replace(/\.$/, '')}; Dezemberwert ${formatValue(g.forecast.value, item.unit)} (${forecastStatusText(g.forecast.status)}) – Prognose, keine Ist-Zahl`,
    },
    ...(g.pace === null
      ? []
      : [{ label: 'Was es noch braucht', value: paceSentence(g.pace, item.dataMonth, latestStock(item)) }]),
    { label: 'Datenstand', value: formatMonth(item.dataMonth) },
    ...(item.comments ?? []).map((c) => ({ label: `Kommentar von ${c.author}`, value: c.text })),
    { label: 'Details', value: link },
  ];
}

/** K3's latest stock (the month's own figure) beside the allowed mean; none for K2. */
function latestStock(item: GoalChangeItem): number | null {
  return item.unit === 'count' ? item.goal.monthly.value : null;
}

/** The day the month should have been loaded by, "28.10.2024". */
function deadlineText(item: MissingDataItem): string {
  return formatDate(`${item.deadline}T12:00:00Z`);
}

/** The newest month loaded for the region, or "keiner". */
function latestText(item: MissingDataItem): string {
  return item.latestMonth ? formatMonth(item.latestMonth) : 'keiner';
}

function missingText(item: MissingDataItem): string {
  return (
    `Die Zahlen für ${formatMonth(item.month)} hätten bis zum ${deadlineText(item)} ` +
    `geladen sein sollen. Neuester geladener Monat: ${latestText(item)}. Bitte den Import prüfen.`
  );
}

/**
 * The plain-text block of one change (also stored as the alert row's body). `sampleNote: false`
 * leaves out the per-change sample label when the whole mail already carries it.
 */
export function itemText(item: AlertItem, publicUrl: string, opts: { sampleNote?: boolean } = {}): string {
  if (item.type === 'missing') {
    return `■ ${itemSubject(item)}\n  ${missingText(item)}`;
  }
  const rows = goalRows(item, goalLink(publicUrl, item));
  const width = Math.max(...rows.map((r) => r.label.length));
  const lines = [
    `■ ${goalName(item)}: ${headline(item)}`,
    `  ${kindLine(item)}`,
    ...rows.map(
      (r) => `  ${`${r.label}:`.padEnd(width + 2)}${r.value.replace(/\n/g, `\n  ${' '.repeat(width + 2)}`)}`,
    ),
  ];
  if (item.region.sample && opts.sampleNote !== false) {
    lines.push(`  ${sampleLabel(item.region.sampleAsOf)} – keine Zahlen der Statistik der BA.`);
  }
  return lines.join('\n');
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

const STATUS_COLOR: Record<GoalStatus, string> = {
  met: '#1b7f3b',
  at_risk: '#9a6700',
  missed: '#b42318',
  no_data: '#555555',
};

function itemHtml(item: AlertItem, publicUrl: string, sampleNote: boolean): string {
  if (item.type === 'missing') {
    return (
      `<h2 style="font-size:16px;margin:20px 0 6px">${escapeHtml(itemSubject(item))}</h2>` +
      `<p style="margin:0 0 6px">${escapeHtml(missingText(item))}</p>` +
      (item.region.sample && sampleNote
        ? `<p style="margin:0;color:#555">${escapeHtml(sampleLabel(item.region.sampleAsOf))}</p>`
        : '')
    );
  }
  const link = goalLink(publicUrl, item);
  const rows = goalRows(item, link)
    .map((r) => {
      let value = escapeHtml(r.value);
      if (r.label === 'Status') {
        value = `<strong style="color:${STATUS_COLOR[item.goal.status]}">${value}</strong>`;
      } else if (r.label === 'Details') {
        value = `<a href="${escapeHtml(link)}">Ziel im Zielmonitor öffnen</a>`;
      }
      return `<tr><th style="text-align:left;font-weight:normal;color:#555;padding:2px 12px 2px 0">${escapeHtml(r.label)}</th><td style="padding:2px 0;white-space:pre-wrap">${value}</td></tr>`;
    })
    .join('');
  return (
    `<h2 style="font-size:16px;margin:20px 0 6px">${escapeHtml(`${goalName(item)}: ${headline(item)}`)}</h2>` +
    `<p style="margin:0 0 6px">${escapeHtml(kindLine(item))}</p>` +
    `<table style="border-collapse:collapse">${rows}</table>` +
    (item.region.sample && sampleNote
      ? `<p style="margin:6px 0 0;color:#555">${escapeHtml(`${sampleLabel(item.region.sampleAsOf)} – keine Zahlen der Statistik der BA.`)}</p>`
      : '')
  );
}

export interface DigestMail {
  subject: string;
  text: string;
  html: string;
}

/** The goal changes and the missing months of a digest, in their order. */
function split(items: readonly AlertItem[]): { goals: GoalChangeItem[]; missing: MissingDataItem[] } {
  return {
    goals: items.filter((i): i is GoalChangeItem => i.type === 'goal'),
    missing: items.filter((i): i is MissingDataItem => i.type === 'missing'),
  };
}

function regionPart(items: readonly AlertItem[]): string {
  const names = [...new Set(items.map((i) => i.region.name))];
  return names.length === 1 ? (names[0] ?? '') : `${names.length} Regionen`;
}

/** The subject of a digest: the single change, or counts of changes. */
export function digestSubject(items: readonly AlertItem[]): string {
  const { goals, missing } = split(items);
  const parts: string[] = [];
  if (goals.length === 1 && goals[0]) parts.push(`${goals[0].goal.label} ${headline(goals[0])}`);
  else if (goals.length > 1) parts.push(`${goals.length} Ziele verändert`);
  const missingMonths = [...new Set(missing.map((m) => m.month))].sort();
  if (missingMonths.length > 0) parts.push(`Daten für ${missingMonths.map(formatMonth).join(', ')} fehlen`);
  let subject = `Zielmonitor: ${parts.join(', ')} – ${regionPart(items)}`;
  const dataMonths = [...new Set(goals.map((g) => g.dataMonth))];
  if (dataMonths.length === 1 && dataMonths[0]) subject += `, Datenstand ${formatMonth(dataMonths[0])}`;
  if (items.some((i) => i.region.sample)) subject += ' (Beispieldaten)';
  return subject;
}

/**
 * Above this many changes a digest lists each change on one line (region, goal, assessment, its key
 * figure, a link to the goal) instead of as a block of rows. One Jobcenter's whole AIP (its six
 * goals by gender and its plan figures) still arrives in full; a recipient who follows many
 * regions gets an overview they can read (997 blocks made a mail of 1.8 MB, which mail clients
 * clip, and whose encoding took about 16 MB of memory; docs/benchmarks.md). Every change is
 * listed either way, and each one's block stays on its alert row (GET /api/alerts).
 */
export const DIGEST_DETAIL_LIMIT = 30;

/** The digest mail to one recipient: every change of one evaluation they follow. */
export function composeDigest(
  items: readonly AlertItem[],
  opts: { publicUrl: string; name: string | null },
): DigestMail {
  const subject = digestSubject(items);
  const greeting = opts.name ? `Guten Tag ${opts.name},` : 'Guten Tag,';
  const count = items.length === 1 ? 'eine Änderung' : `${items.length} Änderungen`;
  const samples = [
    ...new Set(items.filter((i) => i.region.sample).map((i) => sampleLabel(i.region.sampleAsOf))),
  ];
  const sampleNote =
    samples.length > 0
      ? `Hinweis: ${samples.join(', ')}. Die Zahlen sind synthetisch und stammen nicht von der Statistik der BA.`
      : null;
  // The forecast's method only where the mail shows a forecast (a missing-data mail has none).
  const footer =
    'Diese Nachricht wurde automatisch vom Zielmonitor versandt. Jede Änderung wird nur einmal gemeldet.' +
    (items.some((i) => i.type === 'goal')
      ? ' Prognosen tragen das Verhältnis der letzten drei Monate zum Vorjahr bis Dezember fort; das 80-%-Intervall stammt aus früheren Prognosefehlern.'
      : '');
  const base = opts.publicUrl.replace(/\/+$/, '');
  // Per-change sample labels only in a mail that mixes sample and real regions.
  const perItemSample = sampleNote !== null && !items.every((i) => i.region.sample);

  const overview = items.length > DIGEST_DETAIL_LIMIT;
  const regions = new Set(items.map((i) => i.region.id)).size;
  const intro = overview
    ? `der Zielmonitor meldet ${count} in ${regions === 1 ? 'einer Region' : `${regions} Regionen`}, ` +
      'jede in einer Zeile. Prognose, was es noch braucht, und Kommentare zeigt der Link zum Ziel.'
    : `der Zielmonitor meldet ${count}:`;

  const text = [
    greeting,
    '',
    intro,
    ...(sampleNote ? ['', sampleNote] : []),
    '',
    overview
      ? overviewText(items, opts.publicUrl, perItemSample)
      : items.map((i) => itemText(i, opts.publicUrl, { sampleNote: perItemSample })).join('\n\n'),
    '',
    '-- ',
    footer,
    `Zielmonitor: ${base}/`,
    '',
  ].join('\n');

  const html =
    '<!doctype html><html lang="de"><head><meta charset="utf-8">' +
    `<title>${escapeHtml(subject)}</title></head>` +
    '<body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#1a1a1a">' +
    `<p>${escapeHtml(greeting)}</p><p>${escapeHtml(intro)}</p>` +
    (sampleNote ? `<p style="padding:6px 8px;background:#fff4ce">${escapeHtml(sampleNote)}</p>` : '') +
    (overview
      ? overviewHtml(items, opts.publicUrl, perItemSample)
      : items.map((i) => itemHtml(i, opts.publicUrl, perItemSample)).join('')) +
    `<hr style="margin-top:24px"><p style="color:#555;font-size:12px">${escapeHtml(footer)} ` +
    `<a href="${escapeHtml(`${base}/`)}">Zielmonitor</a></p></body></html>`;

  return { subject, text, html };
}

/** "Jobcenter 1 (01001)", marked when a mail mixes sample and real regions. */
function regionLabel(region: AlertRegion, sampleNote: boolean): string {
  return `${region.name} (${region.id})${region.sample && sampleNote ? ' (Beispieldaten)' : ''}`;
}

/** The assessment in a few words: "✕ verfehlt (vorher: ▲ gefährdet)", "✓ wieder im Ziel (vorher: …)". */
function assessment(item: GoalChangeItem): string {
  const now =
    item.kind === 'recovered'
      ? `${STATUS_TEXT[item.goal.status].icon} wieder im Ziel`
      : `${item.kind === 'revision' ? 'nach Korrektur ' : ''}${statusText(item.goal.status)}`;
  const before = item.previousStatus ? ` (vorher: ${statusText(item.previousStatus)})` : '';
  return `${now}${before}`;
}

/**
 * "−5,06 % zum Vorjahr (Ziel: +1,10 %)": the change and its target with the same decimals (two at
 * least, more until they differ), as the dashboard shows them (formatChangePair).
 */
function changeVsTarget(changePct: number | null, targetPct: number, between: string): string {
  const pair = formatChangePair(changePct, targetPct, 2);
  return `${pair.change}${between} (Ziel: ${pair.target})`;
}

/** The change's value, and how it compares: with last year and the target, or with the plan. */
function keyFigures(item: GoalChangeItem): { value: string; comparison: string } {
  const g = item.goal;
  if (g.kind !== 'change') {
    const v = (n: number | null) => formatGoalValue(n, g.unit);
    return {
      value: v(g.current.value),
      comparison: `Plan bis ${formatMonth(g.current.month)}: ${v(g.planToDate)} (${formatChange(g.changePct, 1)})`,
    };
  }
  return {
    value: `${formatValue(g.current.value, item.unit)}${g.provisional ? ' (vorläufig)' : ''}`,
    comparison: changeVsTarget(g.changePct, g.targetChangePct, ' zum Vorjahr'),
  };
}

/** "ein Kommentar", "2 Kommentare", or '' without comments. */
function commentCount(item: GoalChangeItem): string {
  const n = item.comments?.length ?? 0;
  return n === 0 ? '' : n === 1 ? 'ein Kommentar' : `${n} Kommentare`;
}

function goalName(item: GoalChangeItem): string {
  return `${item.goal.label} (${item.goal.indicator}, ${item.year})`;
}

/** The plain-text overview: one line (and the goal's link) per change, goals first. */
function overviewText(items: readonly AlertItem[], publicUrl: string, sampleNote: boolean): string {
  const { goals, missing } = split(items);
  const blocks: string[] = [];
  if (goals.length > 0) {
    blocks.push(
      [
        `Ziele (${goals.length}):`,
        ...goals.map((i) => {
          const f = keyFigures(i);
          const comments = commentCount(i);
          return (
            `■ ${regionLabel(i.region, sampleNote)} – ${goalName(i)}: ${assessment(i)}; ${f.value}, ${f.comparison}; ` +
            `Datenstand ${formatMonth(i.dataMonth)}${comments ? `; ${comments}` : ''}\n  ${goalLink(publicUrl, i)}`
          );
        }),
      ].join('\n'),
    );
  }
  if (missing.length > 0) {
    blocks.push(
      [
        `Fehlende Daten (${missing.length}), bitte den Import prüfen:`,
        ...missing.map(
          (i) =>
            `■ ${regionLabel(i.region, sampleNote)}: ${formatMonth(i.month)} fehlt, fällig bis ${deadlineText(i)}; ` +
            `neuester geladener Monat: ${latestText(i)}`,
        ),
      ].join('\n'),
    );
  }
  return blocks.join('\n\n');
}

const CELL = 'style="padding:2px 12px 2px 0;vertical-align:top"';
const HEAD = 'style="padding:2px 12px 2px 0;text-align:left"';

function overviewTable(caption: string, head: readonly string[], rows: readonly string[]): string {
  return (
    `<h2 style="font-size:16px;margin:20px 0 6px">${escapeHtml(caption)}</h2>` +
    `<table style="border-collapse:collapse"><tr>${head.map((h) => `<th ${HEAD}>${escapeHtml(h)}</th>`).join('')}</tr>` +
    `${rows.join('')}</table>`
  );
}

/** The HTML overview: a table of goal changes (each goal a link) and one of missing months. */
function overviewHtml(items: readonly AlertItem[], publicUrl: string, sampleNote: boolean): string {
  const { goals, missing } = split(items);
  const td = (html: string) => `<td ${CELL}>${html}</td>`;
  let html = '';
  if (goals.length > 0) {
    html += overviewTable(
      `Ziele (${goals.length})`,
      ['Region', 'Ziel', 'Bewertung', 'Wert', 'Vergleich', 'Datenstand'],
      goals.map((i) => {
        const f = keyFigures(i);
        const comments = commentCount(i);
        return (
          `<tr>${td(escapeHtml(regionLabel(i.region, sampleNote)))}` +
          td(
            `<a href="${escapeHtml(goalLink(publicUrl, i))}">${escapeHtml(goalName(i))}</a>` +
              (comments ? ` (${escapeHtml(comments)})` : ''),
          ) +
          td(`<strong style="color:${STATUS_COLOR[i.goal.status]}">${escapeHtml(assessment(i))}</strong>`) +
          td(escapeHtml(f.value)) +
          td(escapeHtml(f.comparison)) +
          `${td(escapeHtml(formatMonth(i.dataMonth)))}</tr>`
        );
      }),
    );
  }
  if (missing.length > 0) {
    html += overviewTable(
      `Fehlende Daten (${missing.length}), bitte den Import prüfen`,
      ['Region', 'Fehlender Monat', 'Fällig bis', 'Neuester geladener Monat'],
      missing.map(
        (i) =>
          `<tr>${td(escapeHtml(regionLabel(i.region, sampleNote)))}${td(escapeHtml(formatMonth(i.month)))}` +
          `${td(escapeHtml(deadlineText(i)))}${td(escapeHtml(latestText(i)))}</tr>`,
      ),
    );
  }
  return html;
}

/** The Message-ID of a digest, derived from its alert keys and its recipient (stable across retries). */
export function digestMessageId(keys: readonly string[], recipient: string): string {
  const h = createHash('sha256')
    .update([...keys].sort().join('\n'))
    .update('\n')
    .update(recipient.toLowerCase())
    .digest('hex');
  return `<${h.slice(0, 40)}@zielmonitor>`;
}
