/** The filter form of the months table: period, genders, revised only, visible columns. */
import type { Table } from '@tanstack/react-table';
import { useId } from 'react';
import { useSearch } from 'wouter';
import { GENDER_TEXT } from '../../../core/format';
import type { MonthRow } from '../../api';
import { PeriodControls } from '../../components/PeriodControls';
import {
  GENDER_ORDER,
  MONTH_COLUMN_LABEL,
  type MonthsTableState,
  parseMonthsTable,
} from '../../lib/url-state';
import { isMonthColumn } from './MonthsTable';

/**
 * The period fields follow the URL as it is now (not the page's deferred copy), so that a month a
 * field has just applied is its value in the very next render.
 */
function PeriodOfUrl({ update }: { update: (patch: Partial<MonthsTableState>) => void }) {
  const { from, to } = parseMonthsTable(new URLSearchParams(useSearch()));
  return <PeriodControls from={from} to={to} onChange={update} testId="filter" />;
}

export function MonthsFilters({
  state,
  update,
  table,
}: {
  state: MonthsTableState;
  update: (patch: Partial<MonthsTableState>) => void;
  table: Table<MonthRow>;
}) {
  const filtersId = useId();
  return (
    <form className="filters card" aria-labelledby={filtersId} onSubmit={(e) => e.preventDefault()}>
      <h2 id={filtersId} className="visually-hidden">
        Filter
      </h2>
      <PeriodOfUrl update={update} />
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
              {isMonthColumn(c.id) ? MONTH_COLUMN_LABEL[c.id] : c.id}
            </label>
          ))}
      </fieldset>
    </form>
  );
}
