/**
 * When a page cannot be shown: its code did not download (web/lib/lazy.ts gave up), or it failed
 * while rendering. The error boundary sits in the page area (App.tsx), so the header and the
 * navigation keep working, and it is reset by moving to another page. Without it React unmounts
 * the whole app on such an error: a white page that only F5 brings back.
 */
import { Component, type ReactNode, useSyncExternalStore } from 'react';
import { type CodeLoader, retryFailedPages } from '../lib/lazy';
import { PageHeading } from './PageHeading';

/** True for the errors of a chunk that did not download (Chromium, Firefox, Safari, Vite). */
export function isCodeLoadError(err: unknown): boolean {
  const message = err instanceof Error ? err.message : String(err);
  return /dynamically imported module|Importing a module script failed|Unable to preload CSS/i.test(message);
}

export function PageLoadError({ error, retry }: { error: unknown; retry: () => void }) {
  const code = isCodeLoadError(error);
  return (
    <section className="page page-load-error" aria-labelledby="page-error-h" data-testid="page-load-error">
      <PageHeading
        id="page-error-h"
        title={code ? 'Seite konnte nicht geladen werden' : 'Seite konnte nicht angezeigt werden'}
      />
      <div className="state state-error" role="alert">
        <p>
          {code
            ? 'Diese Seite konnte nicht geladen werden. Vielleicht ist die Verbindung zum Server unterbrochen, oder der Zielmonitor wurde gerade aktualisiert.'
            : 'Beim Anzeigen dieser Seite ist ein Fehler aufgetreten.'}{' '}
          Die anderen Seiten lassen sich weiter über die Navigation öffnen.
        </p>
        <div className="button-row">
          <button type="button" onClick={() => window.location.reload()}>
            Neu laden
          </button>
          <button type="button" className="secondary" onClick={retry}>
            Erneut versuchen
          </button>
        </div>
      </div>
    </section>
  );
}

interface BoundaryProps {
  /** Changes with the page (its path): a new page starts without the old one's error. */
  resetKey: string;
  children: ReactNode;
}

interface BoundaryState {
  /** The resetKey the state belongs to. */
  key: string;
  failed: boolean;
  error: unknown;
}

export class PageErrorBoundary extends Component<BoundaryProps, BoundaryState> {
  override state: BoundaryState = { key: this.props.resetKey, failed: false, error: null };

  static getDerivedStateFromError(error: unknown): Partial<BoundaryState> {
    return { failed: true, error };
  }

  /** Another page: it starts without the old one's error, and a page that gave up tries again. */
  static getDerivedStateFromProps(props: BoundaryProps, state: BoundaryState): Partial<BoundaryState> | null {
    if (props.resetKey === state.key) return null;
    retryFailedPages();
    return { key: props.resetKey, failed: false, error: null };
  }

  private readonly retry = (): void => {
    retryFailedPages();
    this.setState({ failed: false, error: null });
  };

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    return <PageLoadError error={this.state.error} retry={this.retry} />;
  }
}

/**
 * What the wall shows while its own code has not loaded (it has no chrome): nothing at first, as
 * before; a calm line once a download failed (it is retried until it loads).
 */
export function WallCodeWaiting({ loader }: { loader: CodeLoader<{ default: unknown }> }) {
  const state = useSyncExternalStore(loader.subscribe, loader.getState, loader.getState);
  if (state.failures === 0) return null;
  return (
    <main className="code-wait" data-testid="wall-code-wait">
      <p role="status">Zielmonitor wird geladen … Warte auf den Server.</p>
    </main>
  );
}
