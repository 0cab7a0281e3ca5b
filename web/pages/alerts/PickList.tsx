/**
 * A choice of several from a long list (the regions, the goals), by keyboard alike: a select and a
 * button that takes its choice into the list below, each chosen item with a button that takes it
 * out again. A select of several (`multiple`) would need Ctrl+Space, which few people know. An
 * empty choice means "all" and says so.
 */
import { useId, useRef } from 'react';

import type { GoalOptionGroup } from '../../lib/mute-view';
import { remainingOptions } from '../../lib/recipient-view';
import { OptionGroups } from './OptionGroups';

export function PickList({
  legend,
  kind,
  allText,
  groups,
  chosen,
  pick,
  onPick,
  textOf,
  onChange,
}: {
  /** The group's name ("Regionen (freiwillig)"). */
  legend: string;
  /**
   * One item's kind ("Region"): the select reads "<kind> auswählen" (no other field of the page has
   * that label: speech input reaches a field by it), the button "<kind> hinzufügen".
   */
  kind: string;
  /** Said while nothing is chosen ("Keine Auswahl: alle Regionen."). */
  allText: string;
  /** The choices; a group without a label is shown without an optgroup. */
  groups: readonly GoalOptionGroup[];
  chosen: readonly string[];
  /** What the select shows (kept by the form: a pick not added yet still counts when it is sent). */
  pick: string;
  onPick: (value: string) => void;
  textOf: (value: string) => string;
  onChange: (chosen: string[]) => void;
}) {
  const id = useId();
  const selectRef = useRef<HTMLSelectElement>(null);
  const left = remainingOptions(groups, chosen);

  const add = () => {
    if (pick === '' || chosen.includes(pick)) {
      // Nothing to take: back to the select, which says what to do first.
      selectRef.current?.focus();
      return;
    }
    onChange([...chosen, pick]);
    onPick('');
  };
  const remove = (value: string) => {
    onChange(chosen.filter((v) => v !== value));
    // The item's button goes away with it: the focus goes back to the select.
    selectRef.current?.focus();
  };

  return (
    <fieldset className="control-group pick-list">
      <legend>{legend}</legend>
      <div className="pick-list-add">
        <div className="control">
          <label htmlFor={id}>{kind} auswählen</label>
          <select id={id} ref={selectRef} value={pick} onChange={(e) => onPick(e.target.value)}>
            <option value="">– bitte wählen –</option>
            <OptionGroups groups={left} />
          </select>
        </div>
        <button type="button" className="secondary" onClick={add}>
          {kind} hinzufügen
        </button>
      </div>
      <div aria-live="polite">
        {chosen.length === 0 ? (
          <p className="muted">{allText}</p>
        ) : (
          <ul className="pick-list-items">
            {chosen.map((v) => (
              <li key={v}>
                <span>{textOf(v)}</span>
                <button
                  type="button"
                  className="secondary"
                  aria-label={`Abwählen: ${textOf(v)}`}
                  onClick={() => remove(v)}
                >
                  Abwählen
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </fieldset>
  );
}
