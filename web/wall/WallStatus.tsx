/** A status on the wall: icon and word (never colour alone), toned by status. */
import { statusView } from '../lib/status';

export function WallStatus({ status, className = '' }: { status: string; className?: string }) {
  const v = statusView(status);
  return (
    <span className={`wall-status wall-tone-${v.tone} ${className}`} data-status={status}>
      <span className="wall-status-icon" aria-hidden="true">
        {v.icon}
      </span>{' '}
      <span className="wall-status-word">{v.word}</span>
    </span>
  );
}
