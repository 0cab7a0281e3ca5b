/** The `data-table` markup every table of the dashboard shares: caption, one header row, rows. */
import type { ReactNode } from 'react';

/** A header cell: its text, or its text with the number alignment and a tooltip. */
export type Column = string | { label: string; key?: string; num?: boolean; title?: string };

/** A right-aligned (number) column. */
export const num = (label: string, more: { key?: string; title?: string } = {}): Column => ({
  label,
  num: true,
  ...more,
});

export function DataTable({
  columns,
  caption,
  hiddenCaption = false,
  variant,
  testId,
  wrap = false,
  children,
}: {
  columns: readonly Column[];
  caption?: ReactNode;
  /** The caption only for screen readers. */
  hiddenCaption?: boolean;
  variant?: 'sticky' | 'compact';
  testId?: string;
  /** In a `table-wrap` box that scrolls sideways on narrow screens. */
  wrap?: boolean;
  /** The body rows. */
  children: ReactNode;
}) {
  const table = (
    <table className={variant ? `data-table ${variant}` : 'data-table'} data-testid={testId}>
      {caption !== undefined && (
        <caption className={hiddenCaption ? 'visually-hidden' : undefined}>{caption}</caption>
      )}
      <thead>
        <tr>
          {columns.map((c) =>
            typeof c === 'string' ? (
              <th key={c} scope="col">
                {c}
              </th>
            ) : (
              <th key={c.key ?? c.label} scope="col" className={c.num ? 'num' : undefined} title={c.title}>
                {c.label}
              </th>
            ),
          )}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
  return wrap ? <div className="table-wrap">{table}</div> : table;
}
