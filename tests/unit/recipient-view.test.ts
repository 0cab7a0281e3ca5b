/**
 * How the Hinweise page shows and takes an alert recipient: the regions and goals followed in the
 * dashboard's German names ("alle" for null), the source, when and by whom an entry was added, the
 * text while nobody is listed, the request body of the form, the choices left to pick, and an
 * address refused in German exactly when the server's schema would refuse it.
 */
import { describe, expect, test } from 'vitest';
import { recipientSchema } from '../../server/alerts/alert-config';
import { goalNames } from '../../web/lib/mute-view';
import {
  EMPTY_RECIPIENT,
  emailProblem,
  noRecipientsText,
  RECIPIENT_FIXED_TEXT,
  RECIPIENT_SOURCE_TEXT,
  recipientCreatedText,
  recipientGoalsText,
  recipientInput,
  recipientRegionsText,
  recipientWho,
  remainingOptions,
} from '../../web/lib/recipient-view';

const NAMES = goalNames(
  [
    { id: 'K2-female', label: 'Integrationsquote Frauen' },
    { id: 'K3-total', label: 'Bestand Langzeitleistungsbeziehende insgesamt' },
  ],
  [
    { code: 'K2', name: 'Integrationsquote' },
    { code: 'K3', name: 'Bestand Langzeitleistungsbeziehende' },
  ],
);
const REGIONS = new Map([
  ['01060', 'Kreis Segeberg'],
  ['99001', 'Beispiel-Jobcenter A'],
]);

describe('recipient view', () => {
  test.each([
    [null, 'alle'],
    [['01060'], 'Kreis Segeberg'],
    [['99001', '01060'], 'Beispiel-Jobcenter A, Kreis Segeberg'],
    // a region the list does not know (any more): its key
    [['01060', '12345'], 'Kreis Segeberg, 12345'],
  ])('regions %j read "%s"', (regions, text) => {
    expect(recipientRegionsText(regions, REGIONS)).toBe(text);
  });

  test.each([
    [null, 'alle'],
    [['K2-female'], 'Integrationsquote Frauen'],
    [['K3', 'missing'], 'Bestand Langzeitleistungsbeziehende (ganze Kennzahl), Fehlende Daten'],
    [['K3-total', 'K9-male'], 'Bestand Langzeitleistungsbeziehende insgesamt, K9-male'],
  ])('goals %j read "%s"', (goals, text) => {
    expect(recipientGoalsText(goals, NAMES)).toBe(text);
  });

  test('every source has a German word; those not made here say where they are changed', () => {
    expect(RECIPIENT_SOURCE_TEXT).toEqual({
      env: 'Umgebungsvariable',
      file: 'Konfigurationsdatei',
      api: 'Oberfläche',
    });
    expect(RECIPIENT_FIXED_TEXT).toEqual({
      env: 'Nur in der Umgebungsvariable ALERT_RECIPIENTS änderbar',
      file: 'Nur in der Konfigurationsdatei änderbar',
    });
  });

  test('added: the Berlin day and who; configured entries: a dash', () => {
    // 23:30 UTC on 31 December is already 1 January in Berlin.
    // The shared break-glass token reads as what it is, not as the variable's name.
    expect(recipientCreatedText('2026-12-31T23:30:00.000Z', 'ADMIN_TOKEN')).toBe(
      '01.01.2027 von Admin-Token (Notfallzugang)',
    );
    expect(recipientCreatedText('2026-06-15T10:00:00.000Z', 'Frau Admin')).toBe('15.06.2026 von Frau Admin');
    expect(recipientCreatedText('2026-06-15T10:00:00.000Z', null)).toBe('15.06.2026');
    expect(recipientCreatedText(null, null)).toBe('–');
  });

  test('the person in a message: name and address, or the address', () => {
    expect(recipientWho({ email: 'a@jc.example', name: 'Anna Amsel' })).toBe('Anna Amsel <a@jc.example>');
    expect(recipientWho({ email: 'a@jc.example', name: null })).toBe('a@jc.example');
  });

  test('nobody listed: the outbox address while there is one, else that nothing is mailed', () => {
    expect(noRecipientsText('zielmonitor@localhost')).toBe(
      'Noch keine Empfänger eingetragen: Ohne SMTP-Server werden die Hinweise als Dateien im Postausgang abgelegt, adressiert an zielmonitor@localhost.',
    );
    expect(noRecipientsText(null)).toBe(
      'Noch keine Empfänger eingetragen: Hinweise werden festgehalten, aber nicht per E-Mail versendet.',
    );
  });

  test('the request body leaves out a blank name and an empty choice (all), and trims', () => {
    expect(recipientInput({ ...EMPTY_RECIPIENT, email: '  a@jc.example ', name: '   ' })).toEqual({
      email: 'a@jc.example',
    });
    const full = {
      ...EMPTY_RECIPIENT,
      email: 'a@jc.example',
      name: ' Anna ',
      regions: ['01060'],
      goals: ['K2', 'missing'],
    };
    expect(recipientInput(full)).toEqual({
      email: 'a@jc.example',
      name: 'Anna',
      regions: ['01060'],
      goals: ['K2', 'missing'],
    });
    // Whatever the form sends, the server's schema takes.
    expect(recipientSchema.safeParse(recipientInput(full)).success).toBe(true);
    expect(
      recipientSchema.safeParse(recipientInput({ ...EMPTY_RECIPIENT, email: 'a@jc.example' })).success,
    ).toBe(true);
  });

  test('a pick shown in a select but not added yet counts (once), so it never widens to "alle"', () => {
    const body = recipientInput({
      ...EMPTY_RECIPIENT,
      email: 'a@jc.example',
      regionPick: '01060',
      goals: ['K2'],
      goalPick: 'K2',
    });
    expect(body).toEqual({ email: 'a@jc.example', regions: ['01060'], goals: ['K2'] });
    expect(
      recipientInput({ ...EMPTY_RECIPIENT, email: 'a@jc.example', goals: ['K3'], goalPick: 'missing' }),
    ).toEqual({
      email: 'a@jc.example',
      goals: ['K3', 'missing'],
    });
  });

  test('the select offers only what is not chosen yet; a group left empty goes', () => {
    const groups = [
      { label: 'Integrationsquote', options: [['K2', 'ganz'] as const, ['K2-female', 'Frauen'] as const] },
      { label: 'Datenlieferung', options: [['missing', 'Fehlende Daten'] as const] },
    ];
    expect(remainingOptions(groups, ['K2-female', 'missing'])).toEqual([
      { label: 'Integrationsquote', options: [['K2', 'ganz']] },
    ]);
    expect(remainingOptions(groups, [])).toEqual(groups);
  });

  test.each([
    ['', 'Bitte eine E-Mail-Adresse eingeben.'],
    ['   ', 'Bitte eine E-Mail-Adresse eingeben.'],
    ['anna', '„anna“ ist keine gültige E-Mail-Adresse (Beispiel: vorname.nachname@jobcenter.de).'],
    [
      ' anna@jobcenter ',
      '„anna@jobcenter“ ist keine gültige E-Mail-Adresse (Beispiel: vorname.nachname@jobcenter.de).',
    ],
    ['anna@jobcenter.de', null],
    [
      `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}.de`,
      'Eine E-Mail-Adresse hat höchstens 254 Zeichen.',
    ],
    [' anna.amsel+hinweise@kreis-segeberg.de ', null],
  ])('the address "%s" is refused with %j', (email, problem) => {
    expect(emailProblem(email)).toBe(problem);
  });

  test.each([
    'anna@jobcenter.de',
    'a.b-c_d+e@sub.example.org',
    'anna',
    'anna@jobcenter',
    'anna@@jobcenter.de',
    '.anna@jobcenter.de',
    'anna..amsel@jobcenter.de',
    'anna@-jobcenter.de',
    'anna amsel@jobcenter.de',
    'anna@jobcenter.d',
    // 255 characters: the server's limit is 254
    `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}.de`,
  ])('"%s": refused here exactly when the server refuses it', (email) => {
    const server = recipientSchema.safeParse({ email }).success;
    expect(emailProblem(email) === null).toBe(server);
  });
});
