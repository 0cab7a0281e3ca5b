import { statusView } from '../lib/status';

/** Status as icon + word; the colour of the badge is only an extra. */
export function StatusBadge({ status, size = 'md' }: { status: string; size?: 'sm' | 'md' | 'lg' }) {
  const v = statusView(status);
  return (
    <span className={`status status-${v.tone} status-${size}`} data-status={status}>
      <span className="status-icon" aria-hidden="true">
        {v.icon}
      </span>{' '}
      <span className="status-word">{v.word}</span>
    </span>
  );
}
