/** The labelled fields of the admin forms (a label, then its control, in the form's flex row). */
import { type ReactNode, useId } from 'react';
import { ROLE_OPTIONS, ROLE_TEXT, type RoleOption, roleOf } from './roles';

export function TextField({
  label,
  value,
  onChange,
  numeric = false,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** Digits only, and may stay empty. */
  numeric?: boolean;
}) {
  const id = useId();
  const input = numeric ? { inputMode: 'numeric' as const, pattern: '[0-9]*' } : { required: true };
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <input id={id} {...input} value={value} onChange={(e) => onChange(e.target.value)} />
    </>
  );
}

/** A select of the roles; with `unset`, a first option for "no role" (null). */
export function RoleSelect({
  value,
  onChange,
  label,
  ariaLabel,
  unset,
}: {
  value: RoleOption | null;
  onChange: (role: RoleOption | null) => void;
  /** A visible label before the select. */
  label?: string;
  /** The label for screen readers where the select has no visible one (a table cell). */
  ariaLabel?: string;
  unset?: string;
}) {
  const id = useId();
  return (
    <>
      {label && <label htmlFor={id}>{label}</label>}
      <select
        id={id}
        aria-label={ariaLabel}
        value={value ?? ''}
        onChange={(e) => onChange(roleOf(e.target.value))}
      >
        {unset !== undefined && <option value="">{unset}</option>}
        {ROLE_OPTIONS.map((r) => (
          <option key={r} value={r}>
            {ROLE_TEXT[r]}
          </option>
        ))}
      </select>
    </>
  );
}

/** A list item with a secondary button at its end (remove, revoke). */
export function ItemWithAction({
  children,
  action,
  onAction,
}: {
  children: ReactNode;
  action: string;
  onAction: () => void;
}) {
  return (
    <li>
      {children}{' '}
      <button type="button" className="secondary" onClick={onAction}>
        {action}
      </button>
    </li>
  );
}
