/**
 * The always-visible parts of the wall: the header (region, year, Datenstand, when loaded, the
 * sample badge, the clock), the banners (stale data, lost connection) and the footer (page
 * position, configuration warnings). Everything is text: nothing depends on hover or colour.
 */
import { formatDate, formatDateTime, formatMonth, formatTime, sampleLabel } from '../../core/format';
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

export interface BannerProps {
  stale: { dataMonth: string | null; expectedMonth: string | null } | null;
  offline: { since: number; reason: string | null; hasData: boolean } | null;
  now: number;
}

export function WallBanners({ stale, offline, now }: BannerProps) {
  if (!stale && !offline) return null;
  return (
    <div className="wall-banners">
      {offline && (
        <p className="wall-banner wall-banner-offline" role="alert" data-testid="wall-offline">
          <span aria-hidden="true">⚠ </span>
          <strong>Verbindung unterbrochen seit {offlineSinceText(offline.since, now)}</strong>
          {offline.hasData ? ' – gezeigt werden die zuletzt geladenen Zahlen.' : ' – neuer Versuch läuft.'}
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
