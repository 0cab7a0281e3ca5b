/** How a goal status is shown: icon + word always, colour only as an extra (a CSS tone). */
import { STATUS_TEXT, type StatusWord } from '../../core/format';
import { MISSING_REASON_TEXT } from '../../core/vocabulary';

export type Tone = 'ok' | 'warn' | 'bad' | 'none';

export interface StatusView {
  icon: string;
  word: string;
  tone: Tone;
  /** Text for screen readers and tooltips, e.g. "Status: gefährdet". */
  label: string;
}

const TONE: Record<StatusWord, Tone> = { met: 'ok', at_risk: 'warn', missed: 'bad', no_data: 'none' };

function isStatusWord(s: string): s is StatusWord {
  return Object.hasOwn(STATUS_TEXT, s);
}

/** Maps an API status to its icon, word and tone. An unknown status is shown as "keine Daten". */
export function statusView(status: string): StatusView {
  const key: StatusWord = isStatusWord(status) ? status : 'no_data';
  const { icon, word } = STATUS_TEXT[key];
  return { icon, word, tone: TONE[key], label: `Status: ${word}` };
}

/** German text for why an input value is missing. */
export function missingReasonText(reason: string): string {
  return MISSING_REASON_TEXT[reason] ?? reason;
}

/** A state of an e-mail or an import run: icon, word and tone. */
export interface StateView {
  icon: string;
  word: string;
  tone: Tone;
}

/** The states of the alert mails and of the import runs, in one table. */
const STATE_TEXT: Record<'mail' | 'run', Record<string, StateView>> = {
  mail: {
    sent: { icon: '✓', word: 'versendet', tone: 'ok' },
    pending: { icon: '…', word: 'wartet auf Versand', tone: 'none' },
    failed: { icon: '✕', word: 'fehlgeschlagen', tone: 'bad' },
  },
  run: {
    running: { icon: '…', word: 'läuft', tone: 'none' },
    success: { icon: '✓', word: 'erfolgreich', tone: 'ok' },
    unchanged: { icon: '=', word: 'unverändert', tone: 'none' },
    partial: { icon: '▲', word: 'teilweise', tone: 'warn' },
    failed: { icon: '✕', word: 'fehlgeschlagen', tone: 'bad' },
    aborted: { icon: '✕', word: 'abgebrochen', tone: 'bad' },
  },
};

/** How a mail's or run's state is shown; an unknown state as itself with a question mark. */
export function stateView(of: 'mail' | 'run', state: string): StateView {
  return STATE_TEXT[of][state] ?? { icon: '?', word: state, tone: 'none' };
}
