/**
 * Labelled form controls of the filter bars (`div.control`: the label above its control). The month
 * fields of the month table are in PeriodControls.tsx, so that the main chunk does not carry them.
 */
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
