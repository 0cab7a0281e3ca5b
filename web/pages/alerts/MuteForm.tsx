/**
 * The form that adds a mute: goal (or a whole indicator, or the missing-data check), optionally one
 * region, the last muted day and a reason. A mute of the same goal and region replaces the one
 * before (the server's rule). A last day before today is refused here, in German, before anything
 * is sent (the server checks the same); any other refusal is shown by its German error text. The
 * outcome is shown under the form and read out at once.
 */
import { type FormEvent, useId, useState } from 'react';

import { MUTE_REASON_MAX } from '../../../core/limits';
import { type MuteInput, useSetMute } from '../../api';
import { SelectControl } from '../../components/Controls';
import { type Message, MessageBanner } from '../../components/MessageBanner';
import { errorText } from '../../lib/error-text';
import {
  type GoalNames,
  type GoalOptionGroup,
  muteGoalText,
  muteRegionText,
  muteUntilText,
  pastUntilText,
} from '../../lib/mute-view';
import { type Access, authHeaders } from '../imports/access';
import { TokenField } from '../imports/TokenField';
import { OptionGroups } from './OptionGroups';

interface Fields {
  goal: string;
  region: string;
  until: string;
  reason: string;
}
const EMPTY: Fields = { goal: '', region: '', until: '', reason: '' };

/** The request body: an empty region (all) and an empty reason are left out. */
function muteInput(f: Fields): MuteInput {
  const reason = f.reason.trim();
  return {
    goal: f.goal,
    until: f.until,
    ...(f.region ? { region: f.region } : {}),
    ...(reason ? { reason } : {}),
  };
}

function GoalSelect({
  value,
  groups,
  onChange,
}: {
  value: string;
  groups: readonly GoalOptionGroup[];
  onChange: (goal: string) => void;
}) {
  const id = useId();
  return (
    <div className="control">
      <label htmlFor={id}>Ziel</label>
      <select id={id} required value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">– bitte wählen –</option>
        <OptionGroups groups={groups} />
      </select>
    </div>
  );
}

export function MuteForm(props: {
  access: Access;
  /** For anonymous visitors: the admin token, asked for in the form (required). */
  token: { value: string; onChange: (t: string) => void } | null;
  goalOptions: readonly GoalOptionGroup[];
  regions: readonly { id: string; name: string }[];
  names: GoalNames;
  regionNames: ReadonlyMap<string, string>;
}) {
  const ids = { help: useId(), until: useId(), reason: useId() };
  const save = useSetMute();
  const [fields, setFields] = useState<Fields>(EMPTY);
  const [outcome, setOutcome] = useState<Message | null>(null);
  const { credential, reason } = props.access;
  const token = props.token;
  const set = (patch: Partial<Fields>) => setFields((f) => ({ ...f, ...patch }));

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!credential || save.isPending) return;
    const past = pastUntilText(fields.until, new Date());
    if (past !== null) {
      setOutcome({ ok: false, text: past });
      return;
    }
    save.mutate(
      { mute: muteInput(fields), headers: authHeaders(credential) },
      {
        onSuccess: ({ mute }) => {
          const what = `${muteGoalText(mute.goal, props.names)}, Region ${muteRegionText(mute.regionId, props.regionNames)}`;
          setOutcome({
            ok: true,
            text: `Stummgeschaltet: ${what}, bis einschließlich ${muteUntilText(mute.until)}.`,
          });
          setFields(EMPTY);
        },
        onError: (err) => setOutcome({ ok: false, text: errorText(err) }),
      },
    );
  };

  return (
    <section className="card mute-form" aria-labelledby="mute-add-h" data-testid="mute-form">
      <h3 id="mute-add-h">Stummschaltung anlegen</h3>
      {token === null && credential === null ? (
        <p className="banner" data-testid="mutes-need-role">
          {reason}
        </p>
      ) : (
        <form onSubmit={onSubmit} aria-describedby={ids.help}>
          <p id={ids.help} className="muted">
            Eine Stummschaltung für dasselbe Ziel und dieselbe Region ersetzt die bisherige.
            {token && ' Das Admin-Token wird nur in diesem Browser-Tab gespeichert.'}
          </p>
          <div className="controls">
            {token && <TokenField token={token.value} onToken={token.onChange} required />}
            <GoalSelect value={fields.goal} groups={props.goalOptions} onChange={(goal) => set({ goal })} />
            <SelectControl
              label="Region"
              value={fields.region}
              empty="alle Regionen"
              options={props.regions.map((r) => [r.id, `${r.name} (${r.id})`] as const)}
              onChange={(region) => set({ region })}
              long
            />
            <div className="control">
              <label htmlFor={ids.until}>bis (einschließlich)</label>
              <input
                id={ids.until}
                type="date"
                required
                value={fields.until}
                onChange={(e) => set({ until: e.target.value })}
              />
            </div>
            <div className="control">
              <label htmlFor={ids.reason}>Grund (freiwillig)</label>
              <input
                id={ids.reason}
                type="text"
                maxLength={MUTE_REASON_MAX}
                value={fields.reason}
                onChange={(e) => set({ reason: e.target.value })}
              />
            </div>
          </div>
          <div className="button-row">
            {/* aria-disabled, not disabled: a disabled button loses the keyboard focus to the page. */}
            <button type="submit" aria-disabled={save.isPending}>
              {save.isPending ? 'Wird gespeichert …' : 'Stummschalten'}
            </button>
            {token?.value && (
              <button type="button" className="secondary" onClick={() => token.onChange('')}>
                Token vergessen
              </button>
            )}
          </div>
        </form>
      )}
      <MessageBanner message={outcome} testId="mute-form-result" />
    </section>
  );
}
