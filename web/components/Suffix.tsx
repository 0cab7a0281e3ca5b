/** An optional part of a line: the separator, then the value kept on one line; nothing when null. */
import type { ReactNode } from 'react';

export function Suffix({
  sep,
  value,
  data,
}: {
  sep: string;
  value: ReactNode | null;
  /** The value's `data-*` attributes (what the tests read). */
  data: Record<`data-${string}`, string>;
}) {
  if (value === null) return null;
  return (
    <>
      {sep}
      <span className="nowrap" {...data}>
        {value}
      </span>
    </>
  );
}
