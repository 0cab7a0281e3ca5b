/**
 * The browser's own form checks (a required field left empty, a malformed address) speak the
 * browser's language: in an English browser "Please fill out this field.". These handlers give each
 * failed check a German message before the browser shows it, and clear it as soon as the field
 * changes, so the check itself stays the browser's.
 */

/** What a failed field is, as far as its message depends on it. */
export interface FieldFacts {
  tag: string;
  type: string;
  validity: Pick<
    ValidityState,
    | 'valueMissing'
    | 'typeMismatch'
    | 'patternMismatch'
    | 'badInput'
    | 'tooLong'
    | 'rangeUnderflow'
    | 'rangeOverflow'
  >;
}

/** The German message for a field's failed check; null when it passes (or only a custom one failed). */
export function germanValidityMessage({ tag, type, validity: v }: FieldFacts): string | null {
  if (v.badInput)
    return type === 'date' ? 'Bitte ein vollständiges Datum eingeben.' : 'Bitte eine Zahl eingeben.';
  if (v.valueMissing) {
    if (tag === 'select') return 'Bitte einen Eintrag der Liste wählen.';
    if (type === 'file') return 'Bitte eine Datei wählen.';
    if (type === 'checkbox') return 'Bitte dieses Kästchen ankreuzen, um fortzufahren.';
    return 'Bitte dieses Feld ausfüllen.';
  }
  if (v.typeMismatch)
    return type === 'email'
      ? 'Bitte eine gültige E-Mail-Adresse eingeben (name@beispiel.de).'
      : 'Bitte einen gültigen Wert eingeben.';
  if (v.patternMismatch) return 'Bitte nur Ziffern eingeben.';
  if (v.tooLong) return 'Der Text ist zu lang.';
  if (v.rangeUnderflow || v.rangeOverflow) return 'Der Wert liegt außerhalb des erlaubten Bereichs.';
  return null;
}

type Checked = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

const isChecked = (t: EventTarget | null): t is Checked =>
  t instanceof HTMLInputElement || t instanceof HTMLSelectElement || t instanceof HTMLTextAreaElement;

/** Installs the German messages for every form of the document (once, at start). */
export function installGermanValidity(doc: Document): void {
  doc.addEventListener(
    'invalid',
    (e) => {
      const el = e.target;
      if (!isChecked(el)) return;
      // Our own earlier message first cleared, so it cannot keep a field invalid whose value was
      // set without an input event: the browser's checks decide afresh.
      el.setCustomValidity('');
      const text = germanValidityMessage({
        tag: el.tagName.toLowerCase(),
        type: el.type,
        validity: el.validity,
      });
      if (text !== null) el.setCustomValidity(text);
    },
    true,
  );
  // A custom message counts as a failed check of its own until cleared: cleared on every change,
  // the browser checks the new value afresh.
  const clear = (e: Event) => {
    if (isChecked(e.target)) e.target.setCustomValidity('');
  };
  doc.addEventListener('input', clear, true);
  doc.addEventListener('change', clear, true);
}
