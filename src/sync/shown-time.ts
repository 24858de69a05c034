// A moment as people read it in the sheet: `3 Dec 12:04` / `3 дек 12:04`, in the spreadsheet's
// time zone (not UTC), the month named in the person's language.
import type { Lang } from '../i18n/lang';
import { shortDate } from '../i18n/messages';
import type { Ports } from './context';

export function shownTime(
  ports: Pick<Ports, 'spreadsheet' | 'formatDate'>,
  lang: Lang,
  epochMs: number
): string {
  let zone = 'UTC';
  try {
    zone = ports.spreadsheet.timeZone() || 'UTC';
  } catch {
    // No spreadsheet: UTC, as the log would say.
  }
  const [day, month, time] = ports.formatDate(epochMs, zone, 'd|M|HH:mm').split('|');
  return shortDate(lang, Number(day), Number(month), time);
}
