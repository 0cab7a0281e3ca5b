/** The sample-data badge and the stale banner: shown wherever figures are shown. */
import { formatDataMonth, formatMonth, sampleLabel } from '../../core/format';

export function SampleBadge({ sample, asOf }: { sample: boolean; asOf: string | null }) {
  if (!sample) return null;
  return (
    <span className="badge badge-sample" title="Synthetische Beispieldaten, keine Zahlen der BA">
      {sampleLabel(asOf)}
    </span>
  );
}

export function StaleBanner({
  stale,
  expectedMonth,
  dataMonth,
}: {
  stale: boolean;
  expectedMonth: string | null;
  dataMonth: string | null;
}) {
  if (!stale) return null;
  return (
    <div className="banner banner-warn" role="status">
      <strong>Daten nicht aktuell:</strong> Der Monat {formatMonth(expectedMonth)} müsste inzwischen
      veröffentlicht sein, der neueste geladene Monat ist {formatMonth(dataMonth)}. Bitte den Import prüfen.
    </div>
  );
}

/**
 * Which month the figures stand at: "Datenstand: September 2024" when it is the region's newest
 * loaded month (or that is not known yet). A month chosen before it, or a year's December, is
 * not the Datenstand: "Stand zum Monat: Juni 2024 · Datenstand: September 2024"; a month after it
 * says that it has no data yet.
 */
export function PeriodMeta({ dataMonth, latest }: { dataMonth: string | null; latest: string | null }) {
  if (latest === null || dataMonth === null || dataMonth === latest) {
    return <span data-field="data-month">Datenstand: {formatDataMonth(dataMonth)}</span>;
  }
  return (
    <>
      <span data-field="data-month">
        Stand zum Monat: {formatMonth(dataMonth)}
        {dataMonth > latest ? ' (noch keine Daten)' : ''}
      </span>
      <span aria-hidden="true"> · </span>
      <span data-field="latest-month">Datenstand: {formatDataMonth(latest)}</span>
    </>
  );
}
