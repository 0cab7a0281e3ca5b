/**
 * The wall's words for a failed request: a lost connection only when nothing answered; an answer
 * with an error status is named as what it is (web/wall/WallParts.tsx).
 */
import { describe, expect, test } from 'vitest';
import { unknownRegionWarning } from '../../web/wall/params';
import { failureBodyText, failureHeadline } from '../../web/wall/WallParts';

describe('failureHeadline', () => {
  test.each([
    [{ kind: 'offline' } as const, 'Verbindung unterbrochen'],
    [{ kind: 'answer', status: 404, code: 'no_data' } as const, 'Keine Daten auf dem Server'],
    [{ kind: 'answer', status: 500, code: 'internal' } as const, 'Serverfehler (Status 500)'],
    [{ kind: 'answer', status: 502, code: null } as const, 'Serverfehler (Status 502)'],
    [{ kind: 'answer', status: 401, code: 'unauthorized' } as const, 'Kein Zugriff (Status 401)'],
    [{ kind: 'answer', status: 400, code: 'bad_request' } as const, 'Anfrage abgelehnt (Status 400)'],
  ])('%j → %s', (failure, text) => {
    expect(failureHeadline(failure)).toBe(text);
  });
});

describe('failureBodyText', () => {
  test('names what the server said, in German', () => {
    expect(failureBodyText({ kind: 'offline' })).toBe('Warte auf den Server …');
    expect(failureBodyText({ kind: 'answer', status: 404, code: 'no_data' })).toBe(
      'Es sind noch keine Daten geladen. Bitte zuerst Daten importieren. Neuer Versuch läuft …',
    );
    expect(failureBodyText({ kind: 'answer', status: 500, code: null })).toBe(
      'Der Server hat einen Fehler gemeldet (Status 500). Neuer Versuch läuft …',
    );
  });
});

test('an unknown region is named in the bookmark warning', () => {
  expect(unknownRegionWarning('99999')).toBe('region=99999 ignoriert (Region unbekannt)');
});
