/**
 * The table of mutes: what each silences, the region, the last muted day, the reason, where it
 * comes from, who made it and whether it still holds; an "Aufheben" button (then "Wirklich
 * aufheben") for each mute made here (to whoever may write), a note on each mute of the
 * configuration file.
 */
import { useState } from 'react';

import { formatDateTime } from '../../../core/format';
import { actorText } from '../../../core/people';
import { type Mute, useDeleteMute, type useMutes } from '../../api';
import { ConfirmButtons, type ConfirmSteps } from '../../components/ConfirmButtons';
import { DataTable } from '../../components/DataTable';
import { type Message, MessageBanner } from '../../components/MessageBanner';
import { Empty, ErrorState, Loading } from '../../components/States';
import { errorText } from '../../lib/error-text';
import {
  type GoalNames,
  MUTE_SOURCE_TEXT,
  muteGoalText,
  muteRegionText,
  muteStateView,
  muteUntilText,
} from '../../lib/mute-view';
import { authHeaders, type Credential } from '../imports/access';

const COLUMNS = ['Ziel', 'Region', 'bis', 'Grund', 'Quelle', 'angelegt von', 'Zustand', 'Aktion'];

/** Active or expired: icon and word (the badge's colour is only an extra). */
function MuteState({ active }: { active: boolean }) {
  const v = muteStateView(active);
  return (
    <span className={`status status-${v.tone} status-sm`}>
      <span aria-hidden="true">{v.icon}</span> {v.word}
    </span>
  );
}

function MuteRow({
  mute,
  goal,
  region,
  lift,
}: {
  mute: Mute;
  goal: string;
  region: string;
  /** The lift's two steps for a mute made here, to whoever may write; null otherwise. */
  lift: ConfirmSteps | null;
}) {
  return (
    <tr>
      <td>{goal}</td>
      <td>{region}</td>
      <td className="nowrap">{muteUntilText(mute.until)}</td>
      <td>{mute.reason ?? '–'}</td>
      <td>{MUTE_SOURCE_TEXT[mute.source]}</td>
      <td>
        {mute.createdBy === null ? '–' : actorText(mute.createdBy)}
        {mute.createdAt && <span className="muted"> ({formatDateTime(mute.createdAt)})</span>}
      </td>
      <td>
        <MuteState active={mute.active} />
      </td>
      <td>
        {mute.source === 'file' ? (
          <span className="muted">Nur in der Konfigurationsdatei änderbar</span>
        ) : lift !== null ? (
          <ConfirmButtons verb="Aufheben" what={`${goal}, Region ${region}`} {...lift} />
        ) : (
          '–'
        )}
      </td>
    </tr>
  );
}

export function MuteList({
  mutes,
  names,
  regionNames,
  credential,
  onLifted,
}: {
  mutes: ReturnType<typeof useMutes>;
  names: GoalNames;
  regionNames: ReadonlyMap<string, string>;
  /** How a lift authenticates; null: the person may not write (no buttons). */
  credential: Credential | null;
  onLifted: () => void;
}) {
  const lift = useDeleteMute();
  const [message, setMessage] = useState<Message | null>(null);
  /** The mute whose lift waits for its second click. */
  const [confirming, setConfirming] = useState<number | null>(null);

  const onLift = (id: number, what: string) => {
    if (!credential || lift.isPending) return;
    setConfirming(null);
    lift.mutate(
      { id, headers: authHeaders(credential) },
      {
        onSuccess: () => {
          setMessage({ ok: true, text: `Stummschaltung aufgehoben: ${what}.` });
          onLifted();
        },
        onError: (e) => setMessage({ ok: false, text: errorText(e) }),
      },
    );
  };

  if (mutes.isPending) return <Loading what="Stummschaltungen" />;
  if (mutes.isError) {
    return <ErrorState error={mutes.error} what="Stummschaltungen" retry={() => void mutes.refetch()} />;
  }
  return (
    <>
      {mutes.data.mutes.length === 0 ? (
        <Empty>Keine Stummschaltungen: Alle Hinweise werden versendet.</Empty>
      ) : (
        <section className="table-scroll" aria-label="Stummschaltungen">
          <DataTable variant="sticky" testId="mutes-table" columns={COLUMNS}>
            {mutes.data.mutes.map((m) => {
              const goal = muteGoalText(m.goal, names);
              const region = muteRegionText(m.regionId, regionNames);
              const id = m.id;
              return (
                <MuteRow
                  key={id ?? `file-${m.goal}-${m.regionId}-${m.until}`}
                  mute={m}
                  goal={goal}
                  region={region}
                  lift={
                    credential === null || id === null
                      ? null
                      : {
                          busy: lift.isPending,
                          confirming: confirming === id,
                          onAsk: () => {
                            setMessage(null);
                            setConfirming(id);
                          },
                          onConfirm: () => onLift(id, `${goal}, Region ${region}`),
                          onCancel: () => setConfirming(null),
                        }
                  }
                />
              );
            })}
          </DataTable>
        </section>
      )}
      <MessageBanner message={message} />
    </>
  );
}
