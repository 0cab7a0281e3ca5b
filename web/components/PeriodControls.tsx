/**
 * The month table's period: two month fields (`div.control`, as in Controls.tsx). Its own module,
 * so that the month parsing comes with the month table's chunk, not with the main chunk.
 */
import { useId, useState } from 'react';
import { formatMonthNumeric } from '../../core/format';
import { MONTH_FIELD_FORMAT, type MonthBound, readMonthField, settledMonthText } from '../lib/month-field';

/** What is typed in a month field, and the reason shown for it (set when the field is left). */
type Draft = { text: string; problem: string | null };

/**
 * A month field ('YYYY-MM' in and out, null for none) with optional bounds: a text field that reads
 * "04.2024", "4/2024", "April 2024" or "2024-04" (web/lib/month-field). A month written as the field
 * shows it ("04.2024") is applied as it is typed, any other spelling when the field is left or on
 * Enter. A text that is no month, or out of bounds, stays in the field with the reason under it
 * (announced), and the filter stays as it was. `value` must follow the URL as it is now (not a
 * deferred copy): any change of it or of a bound drops what was typed.
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
  min?: MonthBound;
  max?: MonthBound;
  onChange: (value: string | null) => void;
  testId: string;
}) {
  const id = useId();
  const hintId = useId();
  const problemId = useId();
  const [draft, setDraft] = useState<Draft | null>(null);
  // A new value or bound (this field's own month, the back button, the other end of the period):
  // the field shows the filter as it is. A month applied while typing reads as it was typed.
  const [seen, setSeen] = useState({ value, min: min?.month, max: max?.month });
  if (seen.value !== value || seen.min !== min?.month || seen.max !== max?.month) {
    setSeen({ value, min: min?.month, max: max?.month });
    setDraft(null);
  }
  const problem = draft?.problem ?? null;

  const apply = (text: string, leaving: boolean) => {
    const r = readMonthField(text, { min, max });
    if (r.ok && (leaving || settledMonthText(text)) && r.month !== value) onChange(r.month);
    if (leaving) {
      // Left with a month: shown as the field writes every month ("4.2024" → "04.2024").
      setDraft(r.ok ? null : { text, problem: r.problem });
    } else {
      // While typing, a reason once shown stays until the text is a month (no announcement per key).
      setDraft({ text, problem: r.ok ? null : problem });
    }
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
        value={draft ? draft.text : formatMonthNumeric(value)}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? `${problemId} ${hintId}` : hintId}
        onChange={(e) => apply(e.target.value, false)}
        onBlur={(e) => apply(e.target.value, true)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') apply(e.currentTarget.value, true);
        }}
        data-testid={testId}
      />
      <span id={hintId} className="visually-hidden">
        Format {MONTH_FIELD_FORMAT}, zum Beispiel 04.2024
      </span>
      <span
        id={problemId}
        className="error-text field-problem"
        aria-live="polite"
        data-testid={`${testId}-problem`}
      >
        {problem}
      </span>
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
    { end: 'from', label: 'von Monat', value: from, max: { month: to, name: 'Ende des Zeitraums' } },
    { end: 'to', label: 'bis Monat', value: to, min: { month: from, name: 'Beginn des Zeitraums' } },
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
