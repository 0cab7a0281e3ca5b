/**
 * The month table's period: two month fields (`div.control`, as in Controls.tsx). Its own module,
 * so that the month parsing comes with the month table's chunk, not with the main chunk.
 */
import { useId, useState } from 'react';
import { formatMonthNumeric } from '../../core/format';
import { MONTH_FIELD_FORMAT, type MonthBound, readMonthField, settledMonthText } from '../lib/month-field';

/** What is typed in a month field, the month the field applied from it (if any), and whether its reason shows. */
type Draft = { text: string; applied: string | null | undefined; told: boolean };

/**
 * A month field ('YYYY-MM' in and out, null for none) with optional bounds: a text field that reads
 * "04.2024", "4/2024", "April 2024" or "2024-04" (web/lib/month-field). A month written as the field
 * shows it ("04.2024") is applied as it is typed, any other spelling when the field is left or on
 * Enter. A text that is no month, or out of bounds, stays in the field with the reason under it
 * (announced), and the filter stays as it was.
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
  // A change of the value or of a bound that this field did not make (the URL, the back button, the
  // other end of the period) drops what was typed: the field shows the filter as it is.
  const [draft, setDraft] = useState<Draft | null>(null);
  const [seen, setSeen] = useState({ value, min: min?.month, max: max?.month });
  if (seen.value !== value || seen.min !== min?.month || seen.max !== max?.month) {
    setSeen({ value, min: min?.month, max: max?.month });
    const own = draft !== null && draft.applied !== undefined && draft.applied === value;
    if (!own) setDraft(null);
  }
  const reading = draft ? readMonthField(draft.text, { min, max }) : null;
  const problem = draft?.told && reading && !reading.ok ? reading.problem : null;

  const apply = (text: string, leaving: boolean) => {
    const r = readMonthField(text, { min, max });
    let applied = draft?.applied;
    // Not twice: the value may not have caught up yet with what this field applied a moment ago.
    if (r.ok && (leaving || settledMonthText(text)) && r.month !== value && r.month !== applied) {
      onChange(r.month);
      applied = r.month;
    }
    if (leaving && r.ok) {
      // Left with a month: written as the field writes every month ("4.2024" → "04.2024").
      setDraft(r.month === value ? null : { text: formatMonthNumeric(r.month), applied, told: false });
    } else {
      setDraft({ text, applied, told: !r.ok && (leaving || Boolean(draft?.told)) });
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
        Format {MONTH_FIELD_FORMAT}, z. B. 04.2024
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
    { end: 'from', label: 'von Monat', value: from, max: { month: to, name: 'bis-Monat' } },
    { end: 'to', label: 'bis Monat', value: to, min: { month: from, name: 'von-Monat' } },
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
