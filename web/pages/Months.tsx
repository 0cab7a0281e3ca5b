/**
 * Monatswerte: the monthly figures behind the goals (month × gender) in a TanStack Table. Sorting
 * and filtering run on the server (the export uses the same parameters, so it holds exactly the
 * rows in view); column visibility is local and goes into the URL and the export.
 */
import {
  type ColumnDef,
  flexRender,
  getCoreRowModel,
  type RowData,
  type SortingState,
  type Updater,
  useReactTable,
  type VisibilityState,
} from '@tanstack/react-table';
import { useCallback, useId, useMemo, useState } from 'react';
import { useLocation, useSearch } from 'wouter';

import { type MonthRow, useMonths } from '../api';
import { SampleBadge } from '../components/DataNotices';
import { PageHeading } from '../components/PageHeading';
import { RevisionDialog, type RevisionTarget } from '../components/RevisionDialog';
import { Empty, ErrorState, Loading } from '../components/States';
import { formatChange, formatCount, formatMonth, formatPercent, GENDER_TEXT } from '../format';
import { formatProvisionalCount } from '../lib/provisional';
import {
  GENDER_ORDER,
  MONTH_COLUMN_LABEL,
  MONTH_COLUMNS,
  MONTHS_PAGE_SIZE,
  type MonthColumn,
  type MonthsTableState,
  monthsExportUrl,
  monthsServerQuery,
  monthsTableSearch,
  parseCommon,
  parseMonthsTable,
} from '../lib/url-state';

declare module '@tanstack/react-table' {
  interface ColumnMeta<TData extends RowData, TValue> {
    /** Right-aligned, tabular figures. */
    numeric?: boolean;
  }
}

const FLAG_TITLE: Record<string, string> = {
  '*': 'gesperrt (Datenschutz)',
  '-': 'nichts vorhanden',
  X: 'nicht möglich',
};

type CountKey = 'int' | 'elb' | 'lzb';
const INDICATOR_OF: Record<CountKey, string> = { int: 'INT', elb: 'ELB', lzb: 'LZB' };

function CountCell({
  row,
  k,
  onHistory,
}: {
  row: MonthRow;
  k: CountKey;
  onHistory: (row: MonthRow, k: CountKey) => void;
}) {
  const value = row[k];
  const flag = row.flags[k];
  const shown =
    value === null && flag ? (
      <abbr title={FLAG_TITLE[flag] ?? flag} data-flag={flag}>
        {flag}
        <span className="visually-hidden"> ({FLAG_TITLE[flag] ?? flag})</span>
      </abbr>
    ) : row.provisional[k] ? (
      <span data-provisional={`${row.month}-${row.gender}-${k}`}>{formatProvisionalCount(value)}</span>
    ) : (
      formatCount(value)
    );
  if (!row.revised[k]) return <>{shown}</>;
  return (
    <button
      type="button"
      className="revised-button"
      onClick={() => onHistory(row, k)}
      title="revidiert – Änderungshistorie anzeigen"
      data-revised={`${row.month}-${row.gender}-${k}`}
    >
      {shown} <span aria-hidden="true">↻</span>
      <span className="visually-hidden"> revidiert, Historie anzeigen</span>
    </button>
  );
}

export default function Months() {
  const search = useSearch();
  const [, navigate] = useLocation();
  const params = new URLSearchParams(search);
  const region = parseCommon(params).region;
  const state = parseMonthsTable(params);
  const query = monthsServerQuery(region, state);
  const months = useMonths(query);
  const [history, setHistory] = useState<RevisionTarget | null>(null);
  const ids = { from: useId(), to: useId(), filters: useId() };

  const update = (patch: Partial<MonthsTableState>, resetPage = true) => {
    const next: MonthsTableState = { ...state, ...patch, ...(resetPage ? { page: patch.page ?? 1 } : {}) };
    navigate(`/monate${monthsTableSearch(region ?? months.data?.region.id ?? null, next)}`);
  };

  const sorting: SortingState = state.sort.map((s) => ({ id: s.id, desc: s.desc }));
  const columnVisibility: VisibilityState = Object.fromEntries(
    MONTH_COLUMNS.map((c) => [c, state.columns.includes(c)]),
  );
  const isColumn = (id: string): id is MonthColumn => MONTH_COLUMNS.some((c) => c === id);
  const onSortingChange = (u: Updater<SortingState>) => {
    const next = typeof u === 'function' ? u(sorting) : u;
    const sort = next.flatMap((s) => (isColumn(s.id) ? [{ id: s.id, desc: s.desc }] : []));
    update({ sort: sort.length ? sort : [{ id: 'month', desc: true }] });
  };

  const regionId = region ?? months.data?.region.id ?? null;
  const openHistory = useCallback(
    (row: MonthRow, k: CountKey) =>
      setHistory({
        month: row.month,
        indicator: INDICATOR_OF[k],
        indicatorLabel: MONTH_COLUMN_LABEL[k],
        gender: row.gender,
        region: regionId,
      }),
    [regionId],
  );

  const columns = useMemo<ColumnDef<MonthRow>[]>(
    () => [
      {
        id: 'month',
        accessorKey: 'month',
        header: MONTH_COLUMN_LABEL.month,
        cell: (c) => formatMonth(c.row.original.month),
        enableHiding: false,
      },
      {
        id: 'gender',
        accessorKey: 'gender',
        header: MONTH_COLUMN_LABEL.gender,
        cell: (c) => GENDER_TEXT[c.row.original.gender],
      },
      ...(['int', 'elb', 'lzb'] as const).map(
        (k): ColumnDef<MonthRow> => ({
          id: k,
          accessorKey: k,
          header: MONTH_COLUMN_LABEL[k],
          cell: (c) => <CountCell row={c.row.original} k={k} onHistory={openHistory} />,
          meta: { numeric: true },
        }),
      ),
      {
        id: 'k2',
        accessorKey: 'k2',
        header: MONTH_COLUMN_LABEL.k2,
        cell: (c) => formatPercent(c.row.original.k2),
        meta: { numeric: true },
      },
      {
        id: 'jfw',
        accessorKey: 'jfw',
        header: MONTH_COLUMN_LABEL.jfw,
        cell: (c) => formatPercent(c.row.original.jfw),
        meta: { numeric: true },
      },
      {
        id: 'k3',
        accessorKey: 'k3',
        header: MONTH_COLUMN_LABEL.k3,
        cell: (c) => formatChange(c.row.original.k3),
        meta: { numeric: true },
      },
    ],
    [openHistory],
  );

  const rows = months.data?.rows ?? [];
  const table = useReactTable({
    data: rows,
    columns,
    state: { sorting, columnVisibility },
    onSortingChange,
    onColumnVisibilityChange: (u) => {
      const next = typeof u === 'function' ? u(columnVisibility) : u;
      update({ columns: MONTH_COLUMNS.filter((c) => c === 'month' || next[c] !== false) }, false);
    },
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
    manualFiltering: true,
    manualPagination: true,
    enableMultiSort: true,
    enableSortingRemoval: false,
    sortDescFirst: false,
  });

  const total = months.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / MONTHS_PAGE_SIZE));
  const regionName = months.data?.region.name;

  return (
    <section className="page months-page" aria-labelledby="months-h">
      <div className="page-head">
        <div>
          <PageHeading id="months-h" title={`Monatswerte${regionName ? ` · ${regionName}` : ''}`} />
          <p className="meta">
            Integrationen (INT), erwerbsfähige Leistungsberechtigte (eLb) und Langzeitleistungsbeziehende
            (LZB) je Monat und Geschlecht, mit K2, JFW und K3.{' '}
            {months.data && (
              <SampleBadge
                sample={Boolean(months.data.region.sample)}
                asOf={months.data.region.sampleAsOf ?? null}
              />
            )}
          </p>
        </div>
        <div className="export">
          <a
            className="button"
            href={monthsExportUrl(region, state, 'csv')}
            download
            data-testid="export-csv"
          >
            <span className="visually-hidden">Export der angezeigten Zeilen und Spalten als </span>
            CSV (Excel)
          </a>
          <a
            className="button"
            href={monthsExportUrl(region, state, 'xlsx')}
            download
            data-testid="export-xlsx"
          >
            <span className="visually-hidden">Export der angezeigten Zeilen und Spalten als </span>
            XLSX
          </a>
        </div>
      </div>

      <form className="filters card" aria-labelledby={ids.filters} onSubmit={(e) => e.preventDefault()}>
        <h2 id={ids.filters} className="visually-hidden">
          Filter
        </h2>
        <div className="control">
          <label htmlFor={ids.from}>von Monat</label>
          <input
            id={ids.from}
            type="month"
            value={state.from ?? ''}
            max={state.to ?? undefined}
            onChange={(e) => update({ from: e.target.value || null })}
            data-testid="filter-from"
          />
        </div>
        <div className="control">
          <label htmlFor={ids.to}>bis Monat</label>
          <input
            id={ids.to}
            type="month"
            value={state.to ?? ''}
            min={state.from ?? undefined}
            onChange={(e) => update({ to: e.target.value || null })}
            data-testid="filter-to"
          />
        </div>
        <fieldset className="control-group">
          <legend>Geschlecht</legend>
          {GENDER_ORDER.map((g) => (
            <label key={g} className="check">
              <input
                type="checkbox"
                checked={state.genders.includes(g)}
                onChange={(e) => {
                  const set = e.target.checked ? [...state.genders, g] : state.genders.filter((x) => x !== g);
                  // No gender at all would show nothing: keep at least the one being unticked.
                  if (set.length > 0) update({ genders: GENDER_ORDER.filter((x) => set.includes(x)) });
                }}
                data-testid={`filter-gender-${g}`}
              />
              {GENDER_TEXT[g]}
            </label>
          ))}
        </fieldset>
        <label className="check">
          <input
            type="checkbox"
            checked={state.revisedOnly}
            onChange={(e) => update({ revisedOnly: e.target.checked })}
            data-testid="filter-revised"
          />
          nur revidierte
        </label>
        <fieldset className="control-group">
          <legend>Spalten</legend>
          {table
            .getAllLeafColumns()
            .filter((c) => c.getCanHide())
            .map((c) => (
              <label key={c.id} className="check">
                <input
                  type="checkbox"
                  checked={c.getIsVisible()}
                  onChange={c.getToggleVisibilityHandler()}
                  data-testid={`col-${c.id}`}
                />
                {isColumn(c.id) ? MONTH_COLUMN_LABEL[c.id] : c.id}
              </label>
            ))}
        </fieldset>
      </form>

      {months.isPending ? (
        <Loading what="Monatswerte" />
      ) : months.isError ? (
        <ErrorState error={months.error} what="Monatswerte" retry={() => void months.refetch()} />
      ) : rows.length === 0 ? (
        <Empty>Keine Monatswerte für diese Filter. Filter zurücksetzen oder den Zeitraum erweitern.</Empty>
      ) : (
        <>
          <p className="table-info" role="status" data-testid="row-count">
            {formatCount(total)} Zeilen
            {pages > 1
              ? `, Seite ${state.page} von ${pages} (der Export enthält alle ${formatCount(total)} Zeilen)`
              : ''}
            {months.isFetching ? ' – aktualisiere …' : ''}
          </p>
          <section className="table-scroll" aria-label="Tabelle der Monatswerte">
            <table className="data-table sticky" data-testid="months-table">
              <caption className="visually-hidden">
                Monatswerte; Spaltenköpfe sortieren (Umschalt für mehrere Spalten)
              </caption>
              <thead>
                {table.getHeaderGroups().map((hg) => (
                  <tr key={hg.id}>
                    {hg.headers.map((h) => {
                      const sorted = h.column.getIsSorted();
                      const numeric = h.column.columnDef.meta?.numeric;
                      const priority = state.sort.findIndex((s) => s.id === h.column.id);
                      return (
                        <th
                          key={h.id}
                          scope="col"
                          className={numeric ? 'num' : undefined}
                          aria-sort={
                            sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined
                          }
                          data-col={h.column.id}
                        >
                          <button
                            type="button"
                            className="sort-button"
                            onClick={h.column.getToggleSortingHandler()}
                          >
                            {flexRender(h.column.columnDef.header, h.getContext())}
                            <span className="sort-icon" aria-hidden="true">
                              {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : '↕'}
                              {sorted && state.sort.length > 1 ? priority + 1 : ''}
                            </span>
                          </button>
                        </th>
                      );
                    })}
                  </tr>
                ))}
              </thead>
              <tbody>
                {table.getRowModel().rows.map((r) => (
                  <tr key={r.id} data-month={r.original.month} data-gender={r.original.gender}>
                    {r.getVisibleCells().map((c) => {
                      const numeric = c.column.columnDef.meta?.numeric;
                      return c.column.id === 'month' ? (
                        <th key={c.id} scope="row" className="row-head" data-col="month">
                          {flexRender(c.column.columnDef.cell, c.getContext())}
                        </th>
                      ) : (
                        <td key={c.id} className={numeric ? 'num' : undefined} data-col={c.column.id}>
                          {flexRender(c.column.columnDef.cell, c.getContext())}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          {pages > 1 && (
            <nav className="pager" aria-label="Seiten">
              <button
                type="button"
                disabled={state.page <= 1}
                onClick={() => update({ page: state.page - 1 })}
              >
                Vorherige Seite
              </button>
              <span>
                Seite {state.page} von {pages}
              </span>
              <button
                type="button"
                disabled={state.page >= pages}
                onClick={() => update({ page: state.page + 1 })}
              >
                Nächste Seite
              </button>
            </nav>
          )}
          <p className="legend-note">
            <abbr title="gesperrt (Datenschutz)">*</abbr> gesperrt (Datenschutz) ·{' '}
            <abbr title="nichts vorhanden">-</abbr> nichts vorhanden · <abbr title="nicht möglich">X</abbr>{' '}
            nicht möglich · <span aria-hidden="true">↻</span> revidiert (anklicken für die Historie)
          </p>
        </>
      )}
      <RevisionDialog target={history} onClose={() => setHistory(null)} />
    </section>
  );
}
