import { formatChange } from '../../core/format';
import { statusView } from '../lib/status';

/**
 * Status as icon + word; the colour of the badge is only an extra. `prefix` qualifies the word
 * (a forecast status reads "voraussichtlich im Ziel").
 */
export function StatusBadge({
  status,
  size = 'md',
  prefix,
}: {
  status: string;
  size?: 'sm' | 'md' | 'lg';
  prefix?: string;
}) {
  const v = statusView(status);
  return (
    <span className={`status status-${v.tone} status-${size}`} data-status={status}>
      <span className="status-icon" aria-hidden="true">
        {v.icon}
      </span>{' '}
      <span className="status-word">{prefix && status !== 'no_data' ? `${prefix} ${v.word}` : v.word}</span>
    </span>
  );
}

/** "−0,8 % (Ziel: −1,0 %)", wrapping only between the change and the target. */
export function ChangeVsTarget({ change, target }: { change: number | null; target: number }) {
  return (
    <>
      <span className="nowrap">{formatChange(change)}</span>{' '}
      <span className="nowrap">(Ziel: {formatChange(target)})</span>
    </>
  );
}
