/** The head of a goal's card on the overview: its label linking to the goal page, and its status. */
import { Link } from 'wouter';
import { StatusBadge } from './StatusBadge';

export function GoalCardHead({
  headingId,
  label,
  href,
  status,
}: {
  headingId: string;
  label: string;
  href: string;
  status: string;
}) {
  return (
    <header className="goal-card-head">
      <h3 id={headingId}>
        <Link href={href}>
          {label}
          <span className="visually-hidden"> – Details</span>
        </Link>
      </h3>
      <StatusBadge status={status} />
    </header>
  );
}
