/**
 * Tabs that switch by navigation (each tab is a shareable URL), with the WAI-ARIA tab pattern:
 * one tab stop, arrow keys / Home / End move between tabs.
 */
import { type KeyboardEvent, useRef } from 'react';

export interface TabItem {
  key: string;
  label: string;
}

export function Tabs({
  items,
  selected,
  onSelect,
  label,
  panelId,
}: {
  items: readonly TabItem[];
  selected: string;
  onSelect: (key: string) => void;
  label: string;
  panelId: string;
}) {
  const refs = useRef(new Map<string, HTMLButtonElement>());
  const onKeyDown = (e: KeyboardEvent<HTMLButtonElement>, index: number) => {
    let next = -1;
    if (e.key === 'ArrowRight') next = (index + 1) % items.length;
    else if (e.key === 'ArrowLeft') next = (index - 1 + items.length) % items.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = items.length - 1;
    const item = items[next];
    if (!item) return;
    e.preventDefault();
    onSelect(item.key);
    refs.current.get(item.key)?.focus();
  };
  return (
    <div role="tablist" aria-label={label} className="tabs">
      {items.map((t, i) => (
        <button
          key={t.key}
          ref={(el) => {
            if (el) refs.current.set(t.key, el);
            else refs.current.delete(t.key);
          }}
          type="button"
          role="tab"
          id={`tab-${t.key}`}
          aria-selected={t.key === selected}
          aria-controls={panelId}
          tabIndex={t.key === selected ? 0 : -1}
          onClick={() => onSelect(t.key)}
          onKeyDown={(e) => onKeyDown(e, i)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}
