/** Labelled form controls of the filter bars (`div.control`: the label above its control). */
import { useId } from 'react';

/** A select of `options` ([value, text]); `empty` adds a first option with the value ''. */
export function SelectControl({
  label,
  value,
  options,
  onChange,
  empty,
  testId,
}: {
  label: string;
  value: string;
  options: readonly (readonly [value: string, text: string])[];
  onChange: (value: string) => void;
  empty?: string;
  testId?: string;
}) {
  const id = useId();
  return (
    <div className="control">
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
