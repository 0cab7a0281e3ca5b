import { formatChangePair } from '../../core/format';
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
/** "−0,41 % (Ziel: −0,40 %)": as many decimals as tell the change from its target (formatChangePair). */
export function ChangeVsTarget({ change, target }: { change: number | null; target: number }) {
  const pair = formatChangePair(change, target);
  return (
    <>
      <span className="nowrap">{pair.change}</span> <span className="nowrap">(Ziel: {pair.target})</span>
    </>
  );
}
