/** The state of an alert mail or an import run as a small badge: icon and word, toned. */
import { stateView } from '../lib/status';

export function StateBadge({ of, state }: { of: 'mail' | 'run'; state: string }) {
  const st = stateView(of, state);
  return (
    <span className={`status status-${st.tone} status-sm`}>
      <span aria-hidden="true">{st.icon}</span> {st.word}
    </span>
  );
}
