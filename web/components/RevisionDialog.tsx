/** The history of a revised value: every change (old → new, when, which file). Native <dialog>. */
import { useEffect, useRef } from 'react';
import { formatCount, formatDateTime, formatMonth, GENDER_TEXT } from '../../core/format';
import { FLAG_TEXT } from '../../core/vocabulary';
import { useRevisions } from '../api';
import { DataTable, num } from './DataTable';
import { ErrorState, Loading } from './States';

function valueText(value: number | null, flag: string | null): string {
  if (value !== null) return formatCount(value);
  if (flag) return `${flag} (${FLAG_TEXT[flag as keyof typeof FLAG_TEXT] ?? flag})`;
  return '–';
}

export interface RevisionTarget {
  month: string;
  indicator: string;
  indicatorLabel: string;
  gender: 'total' | 'female' | 'male';
  region: string | null;
}

export function RevisionDialog({ target, onClose }: { target: RevisionTarget | null; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const q: Record<string, string> = {};
  if (target) {
    if (target.region) q.region = target.region;
    q.indicator = target.indicator;
    q.gender = target.gender;
  }
  const rev = useRevisions(target?.month ?? null, q);

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (target && !d.open) d.showModal();
    if (!target && d.open) d.close();
  }, [target]);

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby="rev-h"
      onClose={onClose}
      data-testid="revision-dialog"
    >
      {target && (
        <>
          <h2 id="rev-h">
            Änderungshistorie: {target.indicatorLabel} {GENDER_TEXT[target.gender]},{' '}
            {formatMonth(target.month)}
          </h2>
          {rev.isPending ? (
            <Loading what="Historie" />
          ) : rev.isError ? (
            <ErrorState error={rev.error} what="Historie" retry={() => void rev.refetch()} />
          ) : rev.data.revisions.length === 0 ? (
            <p className="state state-empty">Für diesen Wert ist keine Änderung gespeichert.</p>
          ) : (
            <DataTable
              caption="Änderungen, älteste zuerst"
              hiddenCaption
              columns={['geändert am', num('alt'), num('neu'), 'Datei']}
            >
              {rev.data.revisions.map((r) => (
                <tr key={r.id}>
                  <td>{formatDateTime(r.changedAt)}</td>
                  <td className="num">{valueText(r.oldValue, r.oldFlag)}</td>
                  <td className="num">
                    <span aria-hidden="true">→ </span>
                    {valueText(r.newValue, r.newFlag)}
                  </td>
                  <td className="file">{r.sourceFile ?? '–'}</td>
                </tr>
              ))}
            </DataTable>
          )}
          <form method="dialog">
            <button type="submit">Schließen</button>
          </form>
        </>
      )}
    </dialog>
  );
}
