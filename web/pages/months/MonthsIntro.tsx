/**
 * The month table's heading and description. Part of the main chunk: the route shows them, with a
 * loading line, while the page's own chunk loads (App.tsx), so the page's largest text paints with
 * the app's first paint instead of after a second download. The page renders the same component,
 * with the region's name in the heading and the sample badge once its answer is there.
 */
import type { ReactNode } from 'react';
import { PageHeading } from '../../components/PageHeading';
import { Loading } from '../../components/States';

export const MONTHS_HEADING_ID = 'months-h';
/** The description's id: the section names it as its description, and tests find its paints by it. */
export const MONTHS_DESCRIPTION_ID = 'months-d';

export function MonthsIntro({
  regionName,
  badge,
  placeholder = false,
}: {
  regionName?: string | undefined;
  badge?: ReactNode;
  /** The stand-in while the page loads: its heading leaves the focus to the page's own. */
  placeholder?: boolean;
}) {
  return (
    <div>
      <PageHeading
        id={MONTHS_HEADING_ID}
        title={`Monatswerte${regionName ? ` · ${regionName}` : ''}`}
        placeholder={placeholder}
      />
      <p className="meta" id={MONTHS_DESCRIPTION_ID}>
        Integrationen (INT), erwerbsfähige Leistungsberechtigte (eLb) und Langzeitleistungsbeziehende (LZB) je
        Monat und Geschlecht, mit K2, JFW und K3. {badge}
      </p>
    </div>
  );
}

/** What the route shows while the page's chunk loads: the same head, then a loading line. */
export function MonthsPageLoading() {
  return (
    <section
      className="page months-page"
      aria-labelledby={MONTHS_HEADING_ID}
      aria-describedby={MONTHS_DESCRIPTION_ID}
    >
      <div className="page-head">
        <MonthsIntro placeholder />
      </div>
      <Loading what="Monatswerte" />
    </section>
  );
}
