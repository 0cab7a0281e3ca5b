/**
 * The always-visible parts of the wall: the header (region, year, Datenstand, when loaded, the
 * sample badge, the clock), the banners (stale data, a lost connection or a server error, chart
 * code that could not be loaded) and the footer (page position, configuration warnings).
 * Everything is text: nothing depends on hover or colour.
 */
import { formatDate, formatDateTime, formatMonth, formatTime, sampleLabel } from '../../core/format';
import { apiErrorText } from '../lib/error-text';
import type { WallFailure } from './controller';
import type { WallPage } from './params';

export interface HeaderProps {
  regionName: string | null;
  year: number | null;
  dataMonth: string | null;
  loadedAt: string | null;
  sample: { asOf: string | null } | null;
  now: number;
}

export function WallHeader({ regionName, year, dataMonth, loadedAt, sample, now }: HeaderProps) {
  return (
    <header className="wall-header">
      <div className="wall-title">
        <h1 className="wall-region">{regionName ?? 'Zielmonitor'}</h1>
        <p className="wall-subtitle">
          {year !== null && <span>Zielerreichung {year}</span>}
          {sample && (
            <span className="wall-badge" data-testid="wall-sample">
              {sampleLabel(sample.asOf)}
            </span>
          )}
        </p>
      </div>
      <div className="wall-meta">
        <p className="wall-datamonth" data-testid="wall-datamonth">
          Datenstand: <strong>{formatMonth(dataMonth)}</strong>
        </p>
        <p className="wall-loaded" data-testid="wall-loaded">
          geladen: {formatDateTime(loadedAt)}
        </p>
      </div>
      <div className="wall-clock" data-testid="wall-clock">
        <time className="wall-clock-time" dateTime={new Date(now).toISOString()}>
          {formatTime(new Date(now))}
        </time>
        <span className="wall-clock-date">{formatDate(new Date(now))}</span>
      </div>
    </header>
  );
}

/** "14:32", or "03.12.2026, 14:32" when the outage began on another day than `now`. */
export function offlineSinceText(since: number, now: number): string {
  const a = new Date(since);
  const b = new Date(now);
  return formatDate(a) === formatDate(b) ? formatTime(a) : formatDateTime(a);
}

/**
 * What went wrong, in a few words: a lost connection only when the server did not answer at all;
 * an answer with an error status is named as what it is, so that nobody looks for a network fault.
 */
export function failureHeadline(f: WallFailure): string {
  if (f.kind === 'offline') return 'Verbindung unterbrochen';
  if (f.code === 'no_data') return 'Keine Daten auf dem Server';
  if (f.status === 401 || f.status === 403) return `Kein Zugriff (Status ${f.status})`;
  if (f.status >= 500) return `Serverfehler (Status ${f.status})`;
  return `Anfrage abgelehnt (Status ${f.status})`;
}

/** The line in the body while there are no figures yet and the requests fail. */
export function failureBodyText(f: WallFailure): string {
  if (f.kind === 'offline') return 'Warte auf den Server …';
  const text = apiErrorText({ status: f.status, code: f.code ?? `http_${f.status}`, message: '' });
  return `${text} Neuer Versuch läuft …`;
}

export interface BannerProps {
  stale: { dataMonth: string | null; expectedMonth: string | null } | null;
  /** The current run of failed requests: since when, the last failure, whether figures are shown. */
  failing: { since: number; failure: WallFailure; hasData: boolean } | null;
  /** The chart pages' code could not be loaded yet (the overview stands in for them). */
  chartCodeMissing?: boolean;
  now: number;
}

export function WallBanners({ stale, failing, chartCodeMissing = false, now }: BannerProps) {
  if (!stale && !failing && !chartCodeMissing) return null;
  const offline = failing?.failure.kind === 'offline';
  return (
    <div className="wall-banners">
      {failing && (
        <p
          className="wall-banner wall-banner-offline"
          role="alert"
          data-testid={offline ? 'wall-offline' : 'wall-server-error'}
          data-status={failing.failure.kind === 'answer' ? failing.failure.status : undefined}
        >
          <span aria-hidden="true">⚠ </span>
          <strong>
            {failureHeadline(failing.failure)} seit {offlineSinceText(failing.since, now)}
          </strong>
          {failing.hasData ? ' – gezeigt werden die zuletzt geladenen Zahlen.' : ' – neuer Versuch läuft.'}
        </p>
      )}
      {chartCodeMissing && !failing && (
        <p className="wall-banner wall-banner-offline" role="status" data-testid="wall-chart-code">
          <span aria-hidden="true">⚠ </span>
          <strong>Verlaufsdiagramme noch nicht geladen</strong> – gezeigt wird der Überblick, neuer Versuch
          läuft.
        </p>
      )}
      {stale && (
        <p className="wall-banner wall-banner-stale" role="alert" data-testid="wall-stale">
          <span aria-hidden="true">⚠ </span>
          <strong>Daten veraltet:</strong> {formatMonth(stale.expectedMonth)} fehlt, gezeigt wird der
          Datenstand {formatMonth(stale.dataMonth)}.
        </p>
      )}
    </div>
  );
}

export interface FooterProps {
  pages: readonly WallPage[];
  pageIndex: number;
  pageTitle: string;
  warnings: readonly string[];
}

export function WallFooter({ pages, pageIndex, pageTitle, warnings }: FooterProps) {
  return (
    <footer className="wall-footer">
      {pages.length > 1 && (
        <ol className="wall-dots" aria-hidden="true">
          {pages.map((p, i) => (
            <li key={p.key} className={i === pageIndex ? 'wall-dot wall-dot-active' : 'wall-dot'} />
          ))}
        </ol>
      )}
      <p className="wall-page" data-testid="wall-page-title">
        {pageTitle}
        {pages.length > 1 && ` · ${pageIndex + 1}/${pages.length}`}
      </p>
      {warnings.length > 0 && (
        <p className="wall-config-warning" data-testid="wall-warnings">
          Lesezeichen prüfen: {warnings.join('; ')}
        </p>
      )}
      <p className="wall-brand">Zielmonitor</p>
    </footer>
  );
}
