/** The sample-data badge and the stale banner: shown wherever figures are shown. */
import { formatMonth, sampleLabel } from '../../core/format';

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
