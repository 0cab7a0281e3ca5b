/**
 * How the Hinweise page shows a mute: the goal in the API's German names (a goal's label, a whole
 * indicator, the missing-data check), the region, the day, the source, active or expired as icon
 * and word, the goal select's choices, and a last day in the past refused in German.
 */
import { describe, expect, test } from 'vitest';
import {
  goalNames,
  MUTE_SOURCE_TEXT,
  muteGoalOptions,
  muteGoalText,
  muteRegionText,
  muteStateView,
  muteUntilText,
  pastUntilText,
} from '../../web/lib/mute-view';

const GOALS = [
  {
    id: 'K3-total',
    indicator: 'K3',
    gender: 'total',
    label: 'Bestand Langzeitleistungsbeziehende insgesamt',
  },
  { id: 'K2-male', indicator: 'K2', gender: 'male', label: 'Integrationsquote Männer' },
  { id: 'K2-female', indicator: 'K2', gender: 'female', label: 'Integrationsquote Frauen' },
  { id: 'K2-total', indicator: 'K2', gender: 'total', label: 'Integrationsquote insgesamt' },
  { id: 'FBW-total', indicator: 'FBW', gender: 'total', label: 'Eintritte FbW insgesamt' },
];
const INDICATORS = [
  { code: 'K2', name: 'Integrationsquote' },
  { code: 'K3', name: 'Bestand Langzeitleistungsbeziehende' },
  { code: 'FBW', name: 'Eintritte FbW' },
];
const NAMES = goalNames(GOALS, INDICATORS);

describe('mute view', () => {
  test.each([
    ['K2-female', 'Integrationsquote Frauen'],
    ['K3-total', 'Bestand Langzeitleistungsbeziehende insgesamt'],
    ['K2', 'Integrationsquote (ganze Kennzahl)'],
    ['K3', 'Bestand Langzeitleistungsbeziehende (ganze Kennzahl)'],
    ['missing', 'Fehlende Daten'],
    // not named by the API (a goal of another year, an unknown code): shown as it is
    ['K9-female', 'K9-female'],
    ['XY', 'XY'],
  ])('the goal %s reads "%s"', (ref, text) => {
    expect(muteGoalText(ref, NAMES)).toBe(text);
  });

  test('before the names arrive, a goal reads as its id; "missing" is known without them', () => {
    const none = goalNames(undefined, undefined);
    expect(muteGoalText('K2-female', none)).toBe('K2-female');
    expect(muteGoalText('missing', none)).toBe('Fehlende Daten');
  });

  test('region: its name, "alle" for every region, the key when unknown', () => {
    const regions = new Map([['01060', 'Kreis Segeberg']]);
    expect(muteRegionText('01060', regions)).toBe('Kreis Segeberg');
    expect(muteRegionText(null, regions)).toBe('alle');
    expect(muteRegionText('99999', regions)).toBe('99999');
  });

  test.each([
    ['2024-12-31', '31.12.2024'],
    ['2025-01-01', '01.01.2025'],
    ['2025-03-30', '30.03.2025'], // the day summer time begins
    ['2025-10-26', '26.10.2025'], // the day it ends
    ['2120-06-15', '15.06.2120'], // beyond the written-out rule: Intl
  ])('the last day %s reads %s', (day, text) => {
    expect(muteUntilText(day)).toBe(text);
  });

  test('source and state in words; the state with an icon, never colour alone', () => {
    expect(MUTE_SOURCE_TEXT).toEqual({ file: 'Konfigurationsdatei', api: 'Oberfläche' });
    expect(muteStateView(true)).toEqual({ icon: '●', word: 'aktiv', tone: 'warn' });
    expect(muteStateView(false)).toEqual({ icon: '○', word: 'abgelaufen', tone: 'none' });
  });

  test('the goal select: per indicator (by code) the whole indicator, then Frauen, Männer, insgesamt; then the missing-data check', () => {
    expect(muteGoalOptions(GOALS, NAMES)).toEqual([
      { label: 'Eintritte FbW', options: [['FBW-total', 'Eintritte FbW insgesamt']] },
      {
        label: 'Integrationsquote',
        options: [
          ['K2', 'Integrationsquote (ganze Kennzahl)'],
          ['K2-female', 'Integrationsquote Frauen'],
          ['K2-male', 'Integrationsquote Männer'],
          ['K2-total', 'Integrationsquote insgesamt'],
        ],
      },
      {
        label: 'Bestand Langzeitleistungsbeziehende',
        options: [['K3-total', 'Bestand Langzeitleistungsbeziehende insgesamt']],
      },
      { label: 'Datenlieferung', options: [['missing', 'Fehlende Daten']] },
    ]);
    expect(muteGoalOptions([], goalNames(undefined, undefined))).toEqual([
      { label: 'Datenlieferung', options: [['missing', 'Fehlende Daten']] },
    ]);
  });

  test('a last day before today (Berlin) is refused in German; today and later pass', () => {
    // 23:30 UTC on 31 December is already 1 January in Berlin.
    const now = new Date('2024-12-31T23:30:00Z');
    expect(pastUntilText('2024-12-31', now)).toBe(
      'Das Datum „bis“ (31.12.2024) liegt in der Vergangenheit: bitte heute (01.01.2025) oder später wählen, oder die Stummschaltung aufheben.',
    );
    expect(pastUntilText('2025-01-01', now)).toBeNull();
    expect(pastUntilText('2026-06-30', now)).toBeNull();
    expect(pastUntilText('', now)).toBeNull();
  });
});
