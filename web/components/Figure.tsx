/** One figure of a `<dl className="figures">`: its name, and its value under a `data-field`. */
import type { ReactNode } from 'react';

export function Figure({
  label,
  field,
  children,
  main = false,
  className,
}: {
  label: ReactNode;
  /** The `data-field` of the value (what tests and the wall read). */
  field: string;
  children: ReactNode;
  /** The headline figure, set larger. */
  main?: boolean;
  className?: string;
}) {
  const cls = ['figure', main ? 'figure-main' : '', className ?? ''].filter(Boolean).join(' ');
  return (
    <div className={cls}>
      <dt>{label}</dt>
      <dd data-field={field}>{children}</dd>
    </div>
  );
}
