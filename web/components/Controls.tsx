/** Labelled form controls of the filter bars (`div.control`: the label above its control). */
import { useId } from 'react';

/**
 * A select of `options` ([value, text]); `empty` adds a first option with the value ''. `long`: a
 * list of hundreds (the regions), given a set width (`.control-long`) so that Chromium does not
 * measure every option's text to size it (docs/benchmarks.md, twelfth round).
 */
export function SelectControl({
  label,
  value,
  options,
  onChange,
  empty,
  testId,
  long = false,
}: {
  label: string;
  value: string;
  options: readonly (readonly [value: string, text: string])[];
  onChange: (value: string) => void;
  empty?: string;
  testId?: string;
  long?: boolean;
}) {
  const id = useId();
  return (
    <div className={long ? 'control control-long' : 'control'}>
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        {empty !== undefined && <option value="">{empty}</option>}
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A month input ('YYYY-MM', '' for none) with optional bounds. */
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
  return (
    <div className="control">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="month"
        value={value ?? ''}
        min={min ?? undefined}
        max={max ?? undefined}
        onChange={(e) => onChange(e.target.value || null)}
        data-testid={testId}
      />
    </div>
  );
}

/**
 * A period of two month inputs; each end bounds the other, so `from` cannot pass `to`. `onChange`
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
