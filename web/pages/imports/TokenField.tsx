/**
 * The admin token field (kept in this tab's sessionStorage by the page). Anonymous visitors see it
 * in the upload form; a signed-in person whose role is too low finds it folded away under
 * "Mit Admin-Token arbeiten" (the break-glass ADMIN_TOKEN, e.g. behind a sign-in proxy).
 */
import { useId, useState } from 'react';

export function TokenField({
  token,
  onToken,
  required,
}: {
  token: string;
  onToken: (t: string) => void;
  required: boolean;
}) {
  const id = useId();
  return (
    <div className="control">
      <label htmlFor={id}>Admin-Token</label>
      <input
        id={id}
        type="password"
        autoComplete="off"
        required={required}
        value={token}
        onChange={(e) => onToken(e.target.value)}
      />
    </div>
  );
}

/** For a signed-in person without the role Verwaltung: the token, folded away. */
export function TokenDetails({ token, onToken }: { token: string; onToken: (t: string) => void }) {
  // Open at first when a token is already stored, so that it is seen (and can be forgotten).
  const [openAtFirst] = useState(token !== '');
  return (
    <details className="card upload token-details" open={openAtFirst} data-testid="token-details">
      <summary>Mit Admin-Token arbeiten</summary>
      <p className="muted">
        Nur für den Notfallzugang mit dem Admin-Token: Aktionen, für die Ihre Rolle nicht reicht, werden dann
        mit dem Token ausgeführt. Das Token wird nur in diesem Browser-Tab gespeichert.
      </p>
      <TokenField token={token} onToken={onToken} required={false} />
      {token && (
        <button type="button" className="secondary" onClick={() => onToken('')}>
          Token vergessen
        </button>
      )}
    </details>
  );
}
