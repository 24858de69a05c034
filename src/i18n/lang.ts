// The language a person reads: Russian or English, from the spreadsheet's locale (File →
// Settings → Locale) unless the Script Property UI_LANGUAGE says otherwise. AmoCRM's users
// are mostly Russian-speaking, but a Russian text in an English sheet helps nobody, so the
// sheet decides.

export type Lang = 'ru' | 'en';

/** `ru`, `ru_RU`, `ru-KZ` → 'ru'; anything else → 'en'; an override of 'ru'/'en' wins. */
export function pickLang(locale: string, override?: string | null): Lang {
  const chosen = (override ?? '').trim().toLowerCase();
  if (chosen === 'ru' || chosen === 'en') return chosen;
  return /^ru([_-]|$)/i.test((locale ?? '').trim()) ? 'ru' : 'en';
}
