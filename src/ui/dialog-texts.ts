// The texts the Settings… page shows, by the keys of its data-t attributes: the catalogue's
// dialog section plus the field labels (`fieldBaseUrl`, …), which errors share. Kept apart from
// dialog-html.ts, which jest cannot load, so the keys can be checked against the page.
import type { Lang } from '../i18n/lang';
import { messages } from '../i18n/messages';

export function dialogTexts(lang: Lang): Record<string, string> {
  const text = messages(lang);
  const labels = Object.entries(text.fields).map(([name, label]) => [
    `field${name[0].toUpperCase()}${name.slice(1)}`,
    label,
  ]);
  return { ...text.dialog, ...Object.fromEntries(labels) } as Record<string, string>;
}
