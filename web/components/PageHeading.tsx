/**
 * The page's h1, which also sets the document title and takes the focus after a client-side
 * navigation to another page (screen readers announce the new page; keyboard users continue from
 * the top of the content instead of from a nav link of the old page).
 */
import { type ReactNode, useEffect, useRef } from 'react';

let pendingFocus = false;

/** Called by the app chrome when the user navigated to another page. */
export function announceNavigation(): void {
  // A new page starts at its top: the browser keeps the old page's scroll position (clamped to
  // the loading state's height), which left the new page's heading and the navigation scrolled
  // out of view. (Back and Forward too: the browser restores their position while the old page is
  // still shown, so it would be clamped to that page's height anyway.)
  window.scrollTo(0, 0);
  // Only a rendered heading: while the next page loads, React may keep the old one hidden.
  const h1 = Array.from(document.querySelectorAll<HTMLElement>('main h1:not([data-placeholder])')).find(
    (h) => h.getClientRects().length > 0,
  );
  h1?.focus({ preventScroll: true });
  // Not there yet (the page is still loading): its heading takes the focus when it appears.
  pendingFocus = !h1 || document.activeElement !== h1;
}

export function PageHeading({
  id,
  title,
  children,
  placeholder = false,
}: {
  id?: string;
  title: string;
  children?: ReactNode;
  /**
   * A stand-in shown while the page's code loads (App.tsx): it does not take a pending focus, which
   * belongs to the page's own heading (the stand-in is gone a moment later, and the focus with it).
   */
  placeholder?: boolean;
}) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} – Zielmonitor`;
  }, [title]);
  useEffect(() => {
    if (pendingFocus && !placeholder && ref.current) {
      ref.current.focus({ preventScroll: true });
      pendingFocus = false;
    }
  }, [placeholder]);
  return (
    <h1 id={id} ref={ref} tabIndex={-1} data-placeholder={placeholder || undefined}>
      {children ?? title}
    </h1>
  );
}
