/**
 * The file as a grid of buttons (keyboard reachable): clicking a cell applies the chosen tool.
 * Marked: the month line, the mapped series (with their label), the region cell, number cells.
 */
import { GENDER_TEXT } from '../../../core/format';
import { columnLetter } from '../../../core/spreadsheet';
import type { PreviewResponse } from './wizard-api';
import type { Draft } from './wizard-draft';

type SheetPreview = PreviewResponse['sheets'][number];

export function WizardGrid({
  sheet,
  draft,
  onCell,
}: {
  sheet: SheetPreview;
  draft: Draft;
  onCell: (row: number, col: number) => void;
}) {
  const width = Math.max(1, ...sheet.rows.map((r) => r.cells.length));
  const numbers = new Map(sheet.numberCells.map((n) => [n.row, new Set(n.cols)]));
  const headers = new Set(sheet.headerRows);
  const seriesAt = new Map(draft.series.map((s) => [s.line, `${s.indicator} ${GENDER_TEXT[s.gender]}`]));
  const roleOf = (row: number, col: number): string | null => {
    const line = draft.monthAxis === 'rows' ? col : row;
    if (draft.region?.from === 'cell' && draft.region.row === row && draft.region.col === col)
      return 'Region';
    if (draft.monthLine === line) return 'Monat';
    return seriesAt.get(line) ?? null;
  };
  return (
    <div className="table-scroll wizard-grid">
      <table
        className="data-table compact"
        data-testid="wizard-grid"
        aria-label={`Vorschau ${sheet.name ?? 'Datei'}`}
      >
        <thead>
          <tr>
            <th scope="col">Zeile</th>
            {Array.from({ length: width }, (_, c) => (
              <th key={columnLetter(c)} scope="col">
                {columnLetter(c)}
                {draft.monthAxis === 'rows' && roleOf(-1, c) && (
                  <span className="wizard-role"> ({roleOf(-1, c)})</span>
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {sheet.rows.map((r) => (
            <tr key={r.number} className={headers.has(r.number) ? 'wizard-header-row' : undefined}>
              <th scope="row">
                {r.number}
                {draft.monthAxis === 'columns' && roleOf(r.number, -1) && (
                  <span className="wizard-role"> ({roleOf(r.number, -1)})</span>
                )}
              </th>
              {Array.from({ length: width }, (_, c) => {
                const role = roleOf(r.number, c);
                const text = r.cells[c] ?? '';
                const cls = [
                  role ? 'wizard-marked' : '',
                  numbers.get(r.number)?.has(c) ? 'wizard-number' : '',
                ]
                  .join(' ')
                  .trim();
                return (
                  <td key={columnLetter(c)} className={cls || undefined}>
                    <button
                      type="button"
                      className="wizard-cell"
                      data-cell={`${columnLetter(c)}${r.number}`}
                      title={
                        role ? `${columnLetter(c)}${r.number}: ${role}` : `${columnLetter(c)}${r.number}`
                      }
                      onClick={() => onCell(r.number, c)}
                    >
                      {text || '\u00a0'}
                    </button>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
