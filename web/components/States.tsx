/** Loading, empty and error states, the same on every view. */
import { useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';

import { errorText, worthRetrying } from '../lib/error-text';

/** `what` is a bare noun: "Lade Monatswerte …". */
export function Loading({ what }: { what: string }) {
  return (
    <p className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> Lade {what} …
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="state state-empty">{children}</p>;
}

/**
 * What could not be loaded, with "Erneut versuchen": it asks again for this answer and for every
 * other answer of the page that failed with it (the region list, the signed-in person), so that
 * the page is whole again and not only the part whose button was pressed.
 */
export function ErrorState({ error, what, retry }: { error: unknown; what: string; retry?: () => void }) {
  const qc = useQueryClient();
  const again = () => {
    retry?.();
    void qc.refetchQueries({ predicate: (q) => q.state.status === 'error' });
  };
  return (
    <div className="state state-error" role="alert">
      <p>
        <strong>Fehler beim Laden ({what}).</strong> {errorText(error)}
      </p>
      {/* A 4xx (an unknown goal, a bad address) comes back the same way: no button that cannot help. */}
      {retry && worthRetrying(error) && (
        <button type="button" onClick={again}>
          Erneut versuchen
        </button>
      )}
    </div>
  );
}

/** Why an action (a form's save, change or delete) failed, under it; nothing while none has failed. */
export function ActionError({ error }: { error: unknown }) {
  return error ? <p className="error-text">{errorText(error)}</p> : null;
}
