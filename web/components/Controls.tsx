/** Labelled form controls of the filter bars (`div.control`: the label above its control). */
import { useId, useLayoutEffect, useRef } from 'react';

type Options = readonly (readonly [value: string, text: string])[];

/**
 * A select of `options` ([value, text]); `empty` adds a first option with the value ''.
 *
 * `long`: a list of hundreds (the regions), made cheaper for the task that first shows the page
 * (docs/benchmarks.md, twelfth round): a set width (`.control-long`), so that Chromium does not
 * measure every option's text, and options made by the DOM (`new Option`), not by React, whose
 * element, fiber and properties per option cost more than the options themselves. React still
 * controls the select's `value` (it selects the matching option on every render). Pass `options` of
 * a stable identity (useMemo): a new array makes the list anew. `long` is fixed for a select's life
 * (the select is made anew if it changes).
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
  options: Options;
  onChange: (value: string) => void;
  empty?: string;
  testId?: string;
  long?: boolean;
}) {
  const id = useId();
  const ref = useRef<HTMLSelectElement>(null);
  const made = useRef<{ select: HTMLSelectElement; options: Options; empty: string | undefined } | null>(
    null,
  );
  useLayoutEffect(() => {
    const select = ref.current;
    if (!long || select === null) return;
    const m = made.current;
    if (m !== null && m.select === select && m.options === options && m.empty === empty) return;
    made.current = { select, options, empty };
    const list = options.map(([v, text]) => new Option(text, v));
    if (empty !== undefined) list.unshift(new Option(empty, ''));
    select.replaceChildren(...list);
    // React chose among the options there were when it set the value; choose again, as React
    // does: the first option when none has the value.
    select.value = value;
    if (select.selectedIndex < 0 && list.length > 0) select.selectedIndex = 0;
  }, [long, options, empty, value]);
  return (
    <div className={long ? 'control control-long' : 'control'}>
      <label htmlFor={id}>{label}</label>
      <select
        key={long ? 'long' : 'short'}
        ref={ref}
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        data-testid={testId}
      >
        {!long && empty !== undefined && <option value="">{empty}</option>}
        {!long &&
          options.map(([v, text]) => (
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
