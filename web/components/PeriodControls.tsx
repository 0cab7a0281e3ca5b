/**
 * The month table's period: two month fields (`div.control`, as in Controls.tsx). Its own module,
 * so that the month parsing comes with the month table's chunk, not with the main chunk.
 */
import { useId, useState } from 'react';
import { formatMonthNumeric } from '../../core/format';
import { MONTH_FIELD_FORMAT, readMonthField, settledMonthText } from '../lib/month-field';

/**
 * A month field ('YYYY-MM' in and out, null for none) with optional bounds: a text field that reads
 * "04.2024", "4/2024", "April 2024" or "2024-04" (web/lib/month-field). A valid month is applied
 * as it is typed; a text that is no month, or out of bounds, is kept in the field with the reason
 * under it once the field is left, and the filter stays as it was.
 */
export function MonthControl({
  label,
  value,
  min,
  max,
  onChange,
  testId,
}: {
  label: string;
  value: string | null;
  min?: string | null;
  max?: string | null;
  onChange: (value: string | null) => void;
  testId: string;
}) {
  const id = useId();
  const describedBy = useId();
  const shown = formatMonthNumeric(value);
  // The text being typed, for the value it was typed over: a new value from outside (the URL, the
  // back button, the other end of the period) replaces it.
  const [draft, setDraft] = useState<{ over: string; text: string; told: boolean } | null>(null);
  const current = draft !== null && draft.over === shown ? draft : null;
  const reading = current ? readMonthField(current.text, { min, max }) : null;
  const problem = current?.told && reading && !reading.ok ? reading.problem : null;

  const apply = (text: string, leaving: boolean) => {
    const r = readMonthField(text, { min, max });
    if (r.ok && (leaving || settledMonthText(text)) && r.month !== value) onChange(r.month);
    // Left with a valid text: show it as the value ("4.2024" → "04.2024"); otherwise keep it.
    if (leaving) setDraft(r.ok ? null : { over: shown, text, told: true });
    else setDraft({ over: shown, text, told: Boolean(current?.told) && !r.ok });
  };

  return (
    <div className="control">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        className="month-field"
        autoComplete="off"
        spellCheck={false}
        placeholder={MONTH_FIELD_FORMAT}
        value={current ? current.text : shown}
        aria-invalid={problem ? true : undefined}
        aria-describedby={describedBy}
        onChange={(e) => apply(e.target.value, false)}
        onBlur={(e) => apply(e.target.value, true)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') apply(e.currentTarget.value, true);
        }}
        data-testid={testId}
      />
      {problem ? (
        <span id={describedBy} className="field-problem" data-testid={`${testId}-problem`}>
          {problem}
        </span>
      ) : (
        <span id={describedBy} className="visually-hidden">
          Format {MONTH_FIELD_FORMAT}, zum Beispiel 04.2024
        </span>
      )}
    </div>
  );
}

/**
 * A period of two month fields; each end bounds the other, so `from` cannot pass `to`. `onChange`
 * gets the end that changed; the inputs' test ids are `${testId}-from` and `${testId}-to`.
 */
export function PeriodControls({
  from,
  to,
  onChange,
  testId,
}: {
  from: string | null;
  to: string | null;
  onChange: (change: { from: string | null } | { to: string | null }) => void;
  testId: string;
}) {
  const ends = [
    { end: 'from', label: 'von Monat', value: from, max: to },
    { end: 'to', label: 'bis Monat', value: to, min: from },
  ] as const;
  return (
    <>
      {ends.map(({ end, ...control }) => (
        <MonthControl
          key={end}
          {...control}
          onChange={(v) => onChange(end === 'from' ? { from: v } : { to: v })}
          testId={`${testId}-${end}`}
        />
      ))}
    </>
  );
}
