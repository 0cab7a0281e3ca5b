/**
 * The form that adds an alert recipient: the address, a name, and the regions and goals followed
 * (none chosen: all). An empty or malformed address is refused here, in German, before anything
 * is sent (the server's own pattern, recipient-view.ts); any other refusal (an address listed
 * already, an unknown region) is shown by its German error text. The outcome is shown under the
 * form and read out.
 */
import { type FormEvent, useId, useRef, useState } from 'react';

import { useAddRecipient } from '../../api';
import { type Message, MessageBanner } from '../../components/MessageBanner';
import { errorText } from '../../lib/error-text';
import { type GoalNames, type GoalOptionGroup, muteGoalText, muteRegionText } from '../../lib/mute-view';
import {
  EMAIL_MAX,
  EMPTY_RECIPIENT,
  emailProblem,
  NAME_MAX,
  type RecipientFields,
  recipientGoalsText,
  recipientInput,
  recipientRegionsText,
  recipientWho,
} from '../../lib/recipient-view';
import { authHeaders, type Credential } from '../imports/access';
import { PickList } from './PickList';

export function RecipientForm(props: {
  credential: Credential;
  goalOptions: readonly GoalOptionGroup[];
  regions: readonly { id: string; name: string }[];
  names: GoalNames;
  regionNames: ReadonlyMap<string, string>;
}) {
  const ids = { help: useId(), email: useId(), name: useId() };
  const add = useAddRecipient();
  const [fields, setFields] = useState<RecipientFields>(EMPTY_RECIPIENT);
  const [invalid, setInvalid] = useState(false);
  const [outcome, setOutcome] = useState<Message | null>(null);
  const emailRef = useRef<HTMLInputElement>(null);
  const set = (patch: Partial<RecipientFields>) => setFields((f) => ({ ...f, ...patch }));
  const regionOptions = [
    { label: '', options: props.regions.map((r) => [r.id, `${r.name} (${r.id})`] as const) },
  ];

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (add.isPending) return;
    const problem = emailProblem(fields.email);
    setInvalid(problem !== null);
    if (problem !== null) {
      setOutcome({ ok: false, text: problem });
      emailRef.current?.focus();
      return;
    }
    add.mutate(
      { recipient: recipientInput(fields), headers: authHeaders(props.credential) },
      {
        onSuccess: ({ recipient: r }) => {
          setOutcome({
            ok: true,
            text: `Empfänger hinzugefügt: ${recipientWho(r)}. Regionen: ${recipientRegionsText(r.regions, props.regionNames)}; Ziele: ${recipientGoalsText(r.goals, props.names)}.`,
          });
          setFields(EMPTY_RECIPIENT);
        },
        onError: (err) => setOutcome({ ok: false, text: errorText(err) }),
      },
    );
  };

  return (
    <section className="card recipient-form" aria-labelledby="recipient-add-h" data-testid="recipient-form">
      <h3 id="recipient-add-h">Empfänger hinzufügen</h3>
      {/* noValidate: the address is checked by onSubmit, which says in German what is wrong. */}
      <form onSubmit={onSubmit} aria-describedby={ids.help} noValidate>
        <p id={ids.help} className="muted">
          Ohne gewählte Regionen oder Ziele erhält die Person die Hinweise zu allen.
        </p>
        <div className="controls">
          <div className="control">
            <label htmlFor={ids.email}>E-Mail</label>
            <input
              id={ids.email}
              ref={emailRef}
              type="email"
              required
              autoComplete="off"
              maxLength={EMAIL_MAX}
              aria-invalid={invalid}
              value={fields.email}
              onChange={(e) => {
                set({ email: e.target.value });
                setInvalid(false);
              }}
            />
          </div>
          <div className="control">
            <label htmlFor={ids.name}>Name (freiwillig)</label>
            <input
              id={ids.name}
              type="text"
              autoComplete="off"
              maxLength={NAME_MAX}
              value={fields.name}
              onChange={(e) => set({ name: e.target.value })}
            />
          </div>
        </div>
        <div className="pick-lists">
          <PickList
            legend="Regionen (freiwillig)"
            kind="Region"
            allText="Keine Auswahl: alle Regionen."
            groups={regionOptions}
            chosen={fields.regions}
            pick={fields.regionPick}
            onPick={(regionPick) => set({ regionPick })}
            textOf={(id) => muteRegionText(id, props.regionNames)}
            onChange={(regions) => set({ regions })}
          />
          <PickList
            legend="Ziele (freiwillig)"
            kind="Ziel"
            allText="Keine Auswahl: alle Ziele."
            groups={props.goalOptions}
            chosen={fields.goals}
            pick={fields.goalPick}
            onPick={(goalPick) => set({ goalPick })}
            textOf={(ref) => muteGoalText(ref, props.names)}
            onChange={(goals) => set({ goals })}
          />
        </div>
        <div className="button-row">
          {/* aria-disabled, not disabled: a disabled button loses the keyboard focus to the page. */}
          <button type="submit" aria-disabled={add.isPending}>
            {add.isPending ? 'Wird gespeichert …' : 'Empfänger hinzufügen'}
          </button>
        </div>
      </form>
      <MessageBanner message={outcome} testId="recipient-form-result" />
    </section>
  );
}
