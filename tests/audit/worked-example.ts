/**
 * The worked example for controllers (docs/sample-figures.md): Kreis Segeberg at data month
 * September 2024, every goal with its raw sums and means written out, rendered from the
 * independent re-computation in ./reference.ts (not from the product's code).
 *
 * German number formatting is done here with Intl directly, so that the document does not depend
 * on the product's formatter either.
 */
import path from 'node:path';
import {
  AT_RISK_BAND,
  evaluate,
  GENDERS,
  type Gender,
  type GoalFigures,
  k3,
  loadSample,
  lzbShareComparison,
  monthIndex,
  monthOf,
  type Observations,
  type Ratio,
  readTargets,
  SEGEBERG,
  type Status,
  sumMonths,
  TARGETS_FILE,
  type Target,
  ym,
} from './reference.js';

export const DOC_PATH = path.resolve('docs/sample-figures.md');
const YEAR = 2024;
const MONTH = 9;

const SHORT = ['Jan', 'Feb', 'Mär', 'Apr', 'Mai', 'Jun', 'Jul', 'Aug', 'Sep', 'Okt', 'Nov', 'Dez'];
const GENDER_DE: Record<Gender, string> = { total: 'insgesamt', female: 'Frauen', male: 'Männer' };
const STATUS_DE: Record<Status, string> = { met: '✓ im Ziel', at_risk: '▲ gefährdet', missed: '✕ verfehlt' };

const fmtCache = new Map<number, Intl.NumberFormat>();
/** de-DE with a fixed number of decimals: 4876.66 → "4.876,7" (1), 1234 → "1.234" (0). */
function de(n: number, digits: number): string {
  let f = fmtCache.get(digits);
  if (!f) {
    f = new Intl.NumberFormat('de-DE', { minimumFractionDigits: digits, maximumFractionDigits: digits });
    fmtCache.set(digits, f);
  }
  return f.format(n);
}
const count = (n: number) => de(n, 0);
const mean = (n: number) => de(n, 1);
const pct = (n: number) => `${de(n, 2)} %`;
/** Signed: "+2,39 %", "−1,55 %". */
function change(n: number, digits = 2): string {
  const abs = de(Math.abs(n), digits);
  if (Number(Math.abs(n).toFixed(digits)) === 0) return `±${abs} %`;
  return `${n > 0 ? '+' : '−'}${abs} %`;
}
const signedTarget = (n: number) => change(n, 1);

function shortMonth(month: string): string {
  const i = monthIndex(month);
  return `${SHORT[i % 12] ?? '?'} ${Math.floor(i / 12)}`;
}

/** "Jan–Sep 2024", "Dez 2023–Aug 2024", "Sep 2024". */
function range(from: string, to: string): string {
  if (from === to) return shortMonth(from);
  const a = monthIndex(from);
  const b = monthIndex(to);
  if (Math.floor(a / 12) === Math.floor(b / 12)) return `${SHORT[a % 12] ?? '?'}–${shortMonth(to)}`;
  return `${shortMonth(from)}–${shortMonth(to)}`;
}

function ratioLines(label: string, g: Gender, r: Ratio): string[] {
  return [
    `Σ INT ${range(r.intFrom, r.intTo)} ${GENDER_DE[g]} = ${count(r.sumInt)}`,
    `Ø eLb ${range(r.elbFrom, r.elbTo)} = ${count(r.sumElb)} / ${r.elbMonths} = ${mean(r.meanElb)}`,
    `${label} = 100 × ${count(r.sumInt)} / ${mean(r.meanElb)} = **${pct(r.value)}**`,
  ];
}

function statusReason(f: GoalFigures): string {
  const shortfall = f.better === 'higher' ? f.targetPct - f.changePct : f.changePct - f.targetPct;
  const rule = f.better === 'higher' ? 'höher ist besser' : 'niedriger ist besser';
  if (f.status === 'met')
    return `${change(f.changePct)} ${f.better === 'higher' ? '≥' : '≤'} Ziel ${signedTarget(f.targetPct)} (${rule}) → **${STATUS_DE.met}**`;
  const side = f.better === 'higher' ? 'unter' : 'über';
  const where = `${change(f.changePct)} liegt ${de(shortfall, 2)} Prozentpunkte ${side} dem Ziel ${signedTarget(f.targetPct)} (${rule})`;
  const band = de(AT_RISK_BAND, 1);
  if (f.status === 'at_risk') return `${where}; weniger als ${band} → **${STATUS_DE.at_risk}**`;
  return `${where}; ${band} oder mehr → **${STATUS_DE.missed}**`;
}

/** A JFW inside a formula line: four decimals, so that re-computing from the printed figures works. */
const jfw4 = (n: number) => de(n, 4);
/** A mean stock inside a formula line: two decimals. */
const mean2 = (n: number) => de(n, 2);

function k2Section(o: Observations, f: GoalFigures): string[] {
  if (f.detail.kind !== 'K2') throw new Error('not K2');
  const d = f.detail;
  const g = f.gender;
  const out = [`### K2 Integrationsquote ${GENDER_DE[g]} (Ziel ${signedTarget(f.targetPct)})`, ''];
  const bullets = [
    ...ratioLines(`JFW ${YEAR} (Sep)`, g, d.current),
    ...ratioLines(`JFW ${YEAR - 1} (Sep)`, g, d.previous),
    `Veränderung = 100 × (JFW ${YEAR} / JFW ${YEAR - 1} − 1) = 100 × (${jfw4(f.value)} / ${jfw4(f.previous)} − 1) = **${change(f.changePct)}**`,
    `Status: ${statusReason(f)}`,
    `Prognose Dez ${YEAR}: JFW ${YEAR - 1} (Dez) = 100 × ${count(d.previousDec.sumInt)} / ${mean(d.previousDec.meanElb)} = ${pct(d.previousDec.value)} (Σ INT ${range(d.previousDec.intFrom, d.previousDec.intTo)}, Ø eLb ${range(d.previousDec.elbFrom, d.previousDec.elbTo)}); Prognose (yoy3: Jul–Sep ${YEAR} gegen Vorjahr, r_INT = ${jfw4(f.forecastRatios.INT ?? Number.NaN)}, r_eLb = ${jfw4(f.forecastRatios.ELB ?? Number.NaN)}; Okt–Dez aus dem Vorjahr × r) = **${pct(f.forecast)}** (Veränderung ${change(f.forecastChangePct)}, voraussichtlich ${STATUS_DE[f.forecastStatus]})`,
    `12-Monats-K2 Sep ${YEAR}: 100 × Σ INT ${range(d.twelveMonth.intFrom, d.twelveMonth.intTo)} / Ø eLb ${range(d.twelveMonth.elbFrom, d.twelveMonth.elbTo)} = 100 × ${count(d.twelveMonth.sumInt)} / ${mean(d.twelveMonth.meanElb)} = ${pct(d.twelveMonth.value)}; in der Beispiel-xlsx als BA-Wert ausgewiesen: ${de(o.get(SEGEBERG, 'K2_BA', g, f.month), 1)} %`,
  ];
  for (const b of bullets) out.push(`- ${b}`);
  out.push('');
  return out;
}

function k3Section(o: Observations, f: GoalFigures): string[] {
  if (f.detail.kind !== 'K3') throw new Error('not K3');
  const g = f.gender;
  const jan = ym(YEAR, 1);
  const sep = ym(YEAR, MONTH);
  const janPrev = ym(YEAR - 1, 1);
  const sepPrev = ym(YEAR - 1, MONTH);
  const decPrev = ym(YEAR - 1, 12);
  const sum = sumMonths(o, SEGEBERG, 'LZB', g, jan, sep);
  const sumPrev = sumMonths(o, SEGEBERG, 'LZB', g, janPrev, sepPrev);
  const sumPrevYear = sumMonths(o, SEGEBERG, 'LZB', g, janPrev, decPrev);
  const out = [
    `### K3 Bestand Langzeitleistungsbeziehende ${GENDER_DE[g]} (Ziel ${signedTarget(f.targetPct)})`,
    '',
  ];
  const bullets = [
    `Σ LZB ${range(jan, sep)} ${GENDER_DE[g]} = ${count(sum)}; Ø LZB ${range(jan, sep)} = ${count(sum)} / ${MONTH} = **${mean2(f.value)}**`,
    `Σ LZB ${range(janPrev, sepPrev)} = ${count(sumPrev)}; Ø LZB ${range(janPrev, sepPrev)} = ${count(sumPrev)} / ${MONTH} = **${mean2(f.previous)}**`,
    `Veränderung = 100 × (${mean2(f.value)} / ${mean2(f.previous)} − 1) = **${change(f.changePct)}**`,
    `Status: ${statusReason(f)}`,
    `Prognose Dez ${YEAR}: Ø LZB ${range(janPrev, decPrev)} = ${count(sumPrevYear)} / 12 = ${mean2(f.previousFullYear)}; Prognose (yoy3: Jul–Sep ${YEAR} gegen Vorjahr, r = ${jfw4(f.forecastRatios.LZB ?? Number.NaN)}; Okt–Dez aus dem Vorjahr × r) = **${mean(f.forecast)}** (Veränderung ${change(f.forecastChangePct)}, voraussichtlich ${STATUS_DE[f.forecastStatus]})`,
    `K3 Sep ${YEAR} (Bestand gegen Vorjahresmonat): 100 × (LZB Sep ${YEAR} / LZB Sep ${YEAR - 1} − 1) = 100 × (${count(f.detail.lzbNow)} / ${count(f.detail.lzbYearAgo)} − 1) = ${change(k3(o, SEGEBERG, g, sep))}`,
  ];
  for (const b of bullets) out.push(`- ${b}`);
  out.push('');
  return out;
}

/** Renders docs/sample-figures.md from the bundled sample files. */
export function renderWorkedExample(o: Observations, targets: Target[]): string {
  const order: Target[] = [];
  for (const ind of ['K2', 'K3'] as const)
    for (const g of GENDERS) {
      const t = targets.find((x) => x.indicator === ind && x.gender === g);
      if (!t) throw new Error(`no target ${ind} ${g} for ${YEAR}`);
      order.push(t);
    }
  const figures = order.map((t) => evaluate(o, SEGEBERG, t, YEAR, MONTH));
  const L: string[] = [];
  L.push('# Beispielrechnung: Kreis Segeberg, Datenstand September 2024');
  L.push('');
  L.push('> **Beispieldaten, Stand September 2024.** Alle Zahlen auf dieser Seite sind **synthetisch**');
  L.push('> (erfundene Beispieldaten aus `data/sample/`). Sie sind keine Zahlen der Statistik der');
  L.push('> Bundesagentur für Arbeit und keine Zahlen des Jobcenters Kreis Segeberg.');
  L.push('');
  L.push('Diese Seite rechnet die sechs Ziele des AIP 2024 (Tabelle 3) für den Datenstand September 2024');
  L.push('Schritt für Schritt vor, so dass sie mit Taschenrechner oder Excel aus den Monatswerten am Ende');
  L.push('nachvollzogen werden können. Die Werte stammen aus einer unabhängigen Nachrechnung');
  L.push(
    '(`tests/audit/reference.ts`, ohne Code des Produkts); der Test `tests/audit/sample-figures.test.ts`',
  );
  L.push('prüft, dass Zielmonitor (API und damit Dashboard) für jeden Monat Januar–September 2024 dieselben');
  L.push('Werte liefert (Abweichung höchstens 10⁻⁹ relativ).');
  L.push('');
  L.push('**Rundung:** Summen sind ganzzahlig, Mittelwerte mit einer (in Formeln zwei) und Prozentwerte mit');
  L.push('zwei (JFW in Formeln vier) Nachkommastellen angegeben. Gerechnet wird mit den ungerundeten');
  L.push(
    'Zwischenwerten; wer mit den gedruckten Zwischenwerten nachrechnet, kann in der letzten Stelle abweichen.',
  );
  L.push('');
  L.push('## Formeln');
  L.push('');
  L.push(
    '- **Jahresfortschrittswert (JFW)** im Monat m des Jahres t: `JFW_t(m) = 100 × Σ INT(Jan..m) / Ø eLb(Dez t−1 .. m−1)`',
  );
  L.push('  (der eLb-Nenner ist um einen Monat versetzt; der JFW ist kumuliert, nicht hochgerechnet).');
  L.push('- **K2 (12-Monats-Wert):** `K2(m) = 100 × Σ INT(m−11 .. m) / Ø eLb(m−12 .. m−1)`.');
  L.push(
    '- **K3:** `K3(m) = 100 × (LZB(m) / LZB(m−12) − 1)`; das Ziel gilt für den Jahresdurchschnitt, verfolgt',
  );
  L.push('  wird daher `Ø LZB(Jan..m)` gegen dieselben Monate des Vorjahres.');
  L.push('- **Veränderung** = `100 × (Wert_t / Wert_t−1 − 1)` (relativ, nicht Prozentpunkte).');
  L.push(
    `- **Status:** im Ziel, wenn die Veränderung das Ziel erreicht (K2: ≥ Ziel, K3: ≤ Ziel); gefährdet, wenn sie es um weniger als ${de(AT_RISK_BAND, 1)} Prozentpunkte verfehlt (Toleranzband, einstellbar mit \`AT_RISK_BAND_PCT\`); sonst verfehlt.`,
  );
  L.push(
    '- **Prognose (Jahresende, yoy3):** je Grundgröße X (INT, eLb, LZB) `r = Σ X_t(m−2..m) / Σ X_t−1(m−2..m)`',
  );
  L.push(
    '  über die Monate m−2..m **des Jahres t** (im Januar nur der Januar, im Februar Januar und Februar), ohne',
  );
  L.push('  Monate mit Lücke oder Sperrzeichen in einem der beiden Jahre;');
  L.push(
    '  die übrigen Monate `X_t−1(k) × r`; daraus JFW Dezember bzw. `Ø LZB` Jan–Dez. Immer eine Prognose,',
  );
  L.push('  kein Ist-Wert.');
  L.push('');
  L.push('## Übersicht September 2024');
  L.push('');
  L.push(
    '| Ziel | Wert Jan–Sep 2024 | Wert Jan–Sep 2023 | Veränderung | Ziel | Status | Prognose Dez 2024 |',
  );
  L.push('|---|--:|--:|--:|--:|---|--:|');
  for (const f of figures) {
    const name =
      f.indicator === 'K2'
        ? `K2 Integrationsquote ${GENDER_DE[f.gender]} (JFW)`
        : `K3 Bestand LZB ${GENDER_DE[f.gender]} (Ø)`;
    const v = (n: number) => (f.indicator === 'K2' ? pct(n) : mean(n));
    L.push(
      `| ${name} | ${v(f.value)} | ${v(f.previous)} | ${change(f.changePct)} | ${signedTarget(f.targetPct)} | ${STATUS_DE[f.status]} | ${v(f.forecast)} |`,
    );
  }
  L.push('');
  L.push('## Rechenweg je Ziel');
  L.push('');
  for (const f of figures) L.push(...(f.indicator === 'K2' ? k2Section(o, f) : k3Section(o, f)));

  const cmp = lzbShareComparison(o, SEGEBERG, ym(YEAR, MONTH));
  L.push('## Vergleichstyp: LZB-Anteil September 2024');
  L.push('');
  L.push(
    'LZB-Anteil = `100 × LZB / eLb` (insgesamt). Vergleichswert = ungewichteter Mittelwert der Anteile der',
  );
  L.push(
    `anderen Jobcenter desselben Vergleichstyps (${o.regions.get(SEGEBERG)?.comparisonType ?? '–'}; in den Beispieldaten`,
  );
  L.push('ein erfundener Typ mit erfundenen Beispiel-Jobcentern).');
  L.push('');
  L.push('| Region | LZB | eLb | LZB-Anteil |');
  L.push('|---|--:|--:|--:|');
  const sep = ym(YEAR, MONTH);
  L.push(
    `| ${o.regions.get(SEGEBERG)?.name ?? SEGEBERG} (${SEGEBERG}) | ${count(cmp.own.lzb)} | ${count(cmp.own.elb)} | 100 × ${count(cmp.own.lzb)} / ${count(cmp.own.elb)} = **${pct(cmp.ownSharePct)}** |`,
  );
  for (const p of cmp.peers) {
    const lzb = o.get(p.id, 'LZB', 'total', sep);
    const elb = o.get(p.id, 'ELB', 'total', sep);
    L.push(
      `| ${o.regions.get(p.id)?.name ?? p.id} (${p.id}) | ${count(lzb)} | ${count(elb)} | ${pct(p.sharePct)} |`,
    );
  }
  L.push('');
  L.push(
    `Mittelwert der ${cmp.peers.length} Vergleichs-Jobcenter = (${cmp.peers.map((p) => de(p.sharePct, 2)).join(' + ')}) / ${cmp.peers.length} = **${pct(cmp.peerMeanPct)}**. ` +
      `Kreis Segeberg liegt mit ${pct(cmp.ownSharePct)} ${cmp.below ? '**unter**' : '**nicht unter**'} dem Mittelwert (AIP-Ziel: darunter).`,
  );
  L.push('');
  L.push('## Monatswerte (Eingangsdaten)');
  L.push('');
  L.push(
    'Dezember 2022 bis September 2024, wie in den Beispieldateien (`segeberg-sample.csv` bis Dezember 2023,',
  );
  L.push(
    '`segeberg-sample-ba.xlsx` ab Januar 2024). INT = Integrationen, eLb = erwerbsfähige Leistungsberechtigte,',
  );
  L.push('LZB = Langzeitleistungsbeziehende.');
  L.push('');
  L.push(
    '| Monat | INT insg. | INT Frauen | INT Männer | eLb insg. | eLb Frauen | eLb Männer | LZB insg. | LZB Frauen | LZB Männer |',
  );
  L.push('|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (let i = monthIndex(ym(YEAR - 2, 12)); i <= monthIndex(sep); i++) {
    const m = monthOf(i);
    const cells: string[] = [];
    for (const ind of ['INT', 'ELB', 'LZB'])
      for (const g of GENDERS) cells.push(count(o.get(SEGEBERG, ind, g, m)));
    L.push(`| ${shortMonth(m)} | ${cells.join(' | ')} |`);
  }
  L.push('');
  L.push('---');
  L.push('');
  L.push(
    'Erzeugt mit `npx tsx tests/audit/print-worked-example.ts --write` aus den Dateien in `data/sample/` und',
  );
  L.push(
    '`data/targets/2024.csv`; `tests/audit/worked-example.test.ts` schlägt fehl, wenn diese Seite nicht mehr',
  );
  L.push('zu den Dateien passt.');
  L.push('');
  return L.join('\n');
}

/** Loads the bundled files and renders the document. */
export async function buildWorkedExample(): Promise<string> {
  const o = await loadSample();
  return renderWorkedExample(o, readTargets(TARGETS_FILE, SEGEBERG, YEAR));
}
