/**
 * The table of alert recipients: address, name, the regions and goals followed, where each entry
 * comes from and, for those added here, when and by whom; an "Entfernen" button for each of those,
 * a note on the others (they are changed where they are configured). While nobody is listed it
 * says where the mails go instead.
 */
import { useState } from 'react';

import { type AlertRecipient, type RecipientsResponse, useDeleteRecipient } from '../../api';
import { ConfirmButtons, type ConfirmSteps } from '../../components/ConfirmButtons';
import { DataTable } from '../../components/DataTable';
import { type Message, MessageBanner } from '../../components/MessageBanner';
import { Empty } from '../../components/States';
import { errorText } from '../../lib/error-text';
import type { GoalNames } from '../../lib/mute-view';
import {
  noRecipientsText,
  RECIPIENT_FIXED_TEXT,
  RECIPIENT_SOURCE_TEXT,
  recipientCreatedText,
  recipientGoalsText,
  recipientRegionsText,
  recipientWho,
} from '../../lib/recipient-view';
import { authHeaders, type Credential } from '../imports/access';

const COLUMNS = ['Adresse', 'Name', 'Regionen', 'Ziele', 'Quelle', 'Angelegt', 'Aktion'];

function RecipientRow({
  recipient: r,
  names,
  regionNames,
  remove,
}: {
  recipient: AlertRecipient;
  names: GoalNames;
  regionNames: ReadonlyMap<string, string>;
  /** The removal's two steps for an entry added here; null for the others. */
  remove: ConfirmSteps | null;
}) {
  return (
    <tr>
      <td>{r.email}</td>
      <td>{r.name ?? '–'}</td>
      <td>{recipientRegionsText(r.regions, regionNames)}</td>
      <td>{recipientGoalsText(r.goals, names)}</td>
      <td>{RECIPIENT_SOURCE_TEXT[r.source]}</td>
      <td>{recipientCreatedText(r.createdAt, r.createdBy)}</td>
      <td>
        {r.source !== 'api' ? (
          <span className="muted">{RECIPIENT_FIXED_TEXT[r.source]}</span>
        ) : remove !== null ? (
          <ConfirmButtons verb="Entfernen" what={r.email} {...remove} />
        ) : (
          '–'
        )}
      </td>
    </tr>
  );
}

export function RecipientList({
  list,
  names,
  regionNames,
  credential,
  onRemoved,
}: {
  list: RecipientsResponse;
  names: GoalNames;
  regionNames: ReadonlyMap<string, string>;
  /** How a removal authenticates (whoever reads the list may change it). */
  credential: Credential;
  onRemoved: () => void;
}) {
  const remove = useDeleteRecipient();
  const [message, setMessage] = useState<Message | null>(null);
  /** The entry whose removal waits for its second click. */
  const [confirming, setConfirming] = useState<number | null>(null);

  const onRemove = (r: AlertRecipient, id: number) => {
    if (remove.isPending) return;
    setConfirming(null);
    remove.mutate(
      { id, headers: authHeaders(credential) },
      {
        onSuccess: () => {
          setMessage({ ok: true, text: `Empfänger entfernt: ${recipientWho(r)}.` });
          onRemoved();
        },
        onError: (e) => setMessage({ ok: false, text: errorText(e) }),
      },
    );
  };

  return (
    <>
      {list.recipients.length === 0 ? (
        <Empty>{noRecipientsText(list.fallback)}</Empty>
      ) : (
        <section className="table-scroll" aria-label="Empfänger">
          <DataTable
            variant="sticky"
            testId="recipients-table"
            columns={COLUMNS}
            caption="Empfänger der E-Mail-Hinweise"
            hiddenCaption
          >
            {list.recipients.map((r, i) => {
              const id = r.id;
              return (
                <RecipientRow
                  // The file may list an address more than once (per region or goal): its place, then.
                  key={r.id ?? `${r.source}-${i}`}
                  recipient={r}
                  names={names}
                  regionNames={regionNames}
                  remove={
                    id === null
                      ? null
                      : {
                          busy: remove.isPending,
                          confirming: confirming === id,
                          onAsk: () => {
                            setMessage(null);
                            setConfirming(id);
                          },
                          onConfirm: () => onRemove(r, id),
                          onCancel: () => setConfirming(null),
                        }
                  }
                />
              );
            })}
          </DataTable>
        </section>
      )}
      <MessageBanner message={message} testId="recipient-list-result" />
    </>
  );
}
