/**
 * A change that cannot be undone from the page (removing a recipient, lifting a mute) in two
 * steps: "Entfernen", then "Wirklich entfernen" beside "Abbrechen" (Escape cancels too). One button
 * in the same place for both steps, so the keyboard focus stays on it. aria-disabled, not
 * disabled: a disabled button loses the focus to the page. Each name starts with the visible words
 * (WCAG 2.5.3) and says what it acts on.
 */
import { useRef } from 'react';

export interface ConfirmSteps {
  busy: boolean;
  /** Whether the first click was made and the second is awaited. */
  confirming: boolean;
  onAsk: () => void;
  onConfirm: () => void;
  onCancel: () => void;
}

export function ConfirmButtons({
  verb,
  what,
  busy,
  confirming,
  onAsk,
  onConfirm,
  onCancel,
}: ConfirmSteps & {
  /** The action's word as the first button shows it ("Entfernen", "Aufheben"). */
  verb: string;
  /** What it acts on, for the buttons' accessible names ("a@b.de", "Ziel …, Region …"). */
  what: string;
}) {
  const label = confirming ? `Wirklich ${verb.toLowerCase()}` : verb;
  const main = useRef<HTMLButtonElement>(null);
  return (
    <span className="button-row">
      <button
        ref={main}
        type="button"
        className={confirming ? 'danger' : 'secondary'}
        aria-label={`${label}: ${what}`}
        aria-disabled={busy}
        onClick={confirming ? onConfirm : onAsk}
        onKeyDown={(e) => {
          if (confirming && e.key === 'Escape') onCancel();
        }}
      >
        {label}
      </button>
      {confirming && (
        <button
          type="button"
          className="secondary"
          aria-label={`Abbrechen: ${what}`}
          // "Abbrechen" goes away with the click: the focus goes back to the first step's button.
          onClick={() => {
            onCancel();
            main.current?.focus();
          }}
        >
          Abbrechen
        </button>
      )}
    </span>
  );
}
