/** The export links of the months table: the same server parameters as the view, so the file holds the rows in view. */
import { type MonthsTableState, monthsExportUrl } from '../../lib/url-state';

const FORMATS = [
  { format: 'csv', label: 'CSV (Excel)' },
  { format: 'xlsx', label: 'XLSX' },
] as const;

export function MonthsExport({ region, state }: { region: string | null; state: MonthsTableState }) {
  return (
    <div className="export">
      {FORMATS.map(({ format, label }) => (
        <a
          key={format}
          className="button"
          href={monthsExportUrl(region, state, format)}
          download
          data-testid={`export-${format}`}
        >
          <span className="visually-hidden">Export der angezeigten Zeilen und Spalten als </span>
          {label}
        </a>
      ))}
    </div>
  );
}
