/**
 * The options of a select in groups (the goals by indicator, the regions): a group with a label
 * as an optgroup, a group without one as plain options. Shared by the mute form's goal select and
 * the recipient form's pick lists.
 */
import type { GoalOptionGroup } from '../../lib/mute-view';

export function OptionGroups({ groups }: { groups: readonly GoalOptionGroup[] }) {
  const options = (g: GoalOptionGroup) =>
    g.options.map(([v, text]) => (
      <option key={v} value={v}>
        {text}
      </option>
    ));
  return (
    <>
      {groups.map((g) =>
        g.label === '' ? (
          options(g)
        ) : (
          <optgroup key={g.label} label={g.label}>
            {options(g)}
          </optgroup>
        ),
      )}
    </>
  );
}
