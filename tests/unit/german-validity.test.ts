import { describe, expect, test } from 'vitest';

import { type FieldFacts, germanValidityMessage } from '../../web/lib/german-validity';

const ok: FieldFacts['validity'] = {
  valueMissing: false,
  typeMismatch: false,
  patternMismatch: false,
  badInput: false,
  tooLong: false,
  rangeUnderflow: false,
  rangeOverflow: false,
};
const field = (tag: string, type: string, failed: Partial<FieldFacts['validity']>) =>
  germanValidityMessage({ tag, type, validity: { ...ok, ...failed } });

describe('German messages for the browser’s own form checks', () => {
  test('each failed check by kind of field', () => {
    expect(field('select', 'select-one', { valueMissing: true })).toBe(
      'Bitte einen Eintrag der Liste wählen.',
    );
    expect(field('input', 'file', { valueMissing: true })).toBe('Bitte eine Datei wählen.');
    expect(field('input', 'text', { valueMissing: true })).toBe('Bitte dieses Feld ausfüllen.');
    expect(field('input', 'email', { typeMismatch: true })).toBe(
      'Bitte eine gültige E-Mail-Adresse eingeben (name@beispiel.de).',
    );
    // A half-typed date is bad input, not a missing value: it says what is wrong.
    expect(field('input', 'date', { badInput: true, valueMissing: true })).toBe(
      'Bitte ein vollständiges Datum eingeben.',
    );
    expect(field('input', 'text', { patternMismatch: true })).toBe('Bitte nur Ziffern eingeben.');
  });

  test('a field that passes gets no message', () => {
    expect(field('input', 'text', {})).toBeNull();
  });
});
