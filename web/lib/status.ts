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
