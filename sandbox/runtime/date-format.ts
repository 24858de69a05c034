// Time-zone arithmetic and Java SimpleDateFormat-style formatting, shared by
// Utilities.formatDate, the time-driven event fields, typed date input and display values.
// Time zones are IANA names or fixed 'GMT+03:00' / 'UTC' forms (both accepted by Apps Script);
// an unknown zone falls back to UTC.

export interface ZonedParts {
  year: number;
  /** 1..12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  /** 1 = Monday … 7 = Sunday */
  weekday: number;
  offsetMinutes: number;
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const formatters = new Map<string, Intl.DateTimeFormat | null>();

/** Offset of a zone from UTC at an instant, in minutes (Moscow: +180). */
export function offsetMinutes(ms: number, timeZone: string): number {
  const fixed = fixedOffset(timeZone);
  if (fixed !== null) return fixed;
  const dtf = formatterFor(timeZone);
  if (!dtf) return 0;
  const whole = ms - mod(ms, 1000);
  const parts = dtf.formatToParts(new Date(whole));
  const get = (type: string): number => Number(parts.find(p => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour') % 24,
    get('minute'),
    get('second')
  );
  return Math.round((asUtc - whole) / 60000);
}

/** Calendar fields of an instant as seen in a zone. */
export function zonedParts(ms: number, timeZone: string): ZonedParts {
  const offset = offsetMinutes(ms, timeZone);
  const local = new Date(ms + offset * 60000);
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    millisecond: local.getUTCMilliseconds(),
    weekday: ((local.getUTCDay() + 6) % 7) + 1,
    offsetMinutes: offset,
  };
}

/** The instant at which a zone's wall clock shows the given fields. */
export function zonedToEpoch(
  fields: {
    year: number;
    month: number;
    day: number;
    hour?: number;
    minute?: number;
    second?: number;
  },
  timeZone: string
): number {
  const guess = Date.UTC(
    fields.year,
    fields.month - 1,
    fields.day,
    fields.hour ?? 0,
    fields.minute ?? 0,
    fields.second ?? 0
  );
  const first = guess - offsetMinutes(guess, timeZone) * 60000;
  return guess - offsetMinutes(first, timeZone) * 60000;
}

/** ISO-8601 week number of a zoned date. */
export function isoWeek(parts: Pick<ZonedParts, 'year' | 'month' | 'day'>): number {
  const date = new Date(Date.UTC(parts.year, parts.month - 1, parts.day));
  const dayNum = date.getUTCDay() || 7;
  date.setUTCDate(date.getUTCDate() + 4 - dayNum);
  const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1);
  return Math.ceil(((date.getTime() - yearStart) / 86400000 + 1) / 7);
}

/** Formats like java.text.SimpleDateFormat (the subset scripts use). */
export function formatSimpleDate(ms: number, timeZone: string, pattern: string): string {
  const p = zonedParts(ms, timeZone);
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i];
    if (ch === "'") {
      const end = pattern.indexOf("'", i + 1);
      const literal = end < 0 ? pattern.slice(i + 1) : pattern.slice(i + 1, end);
      out += literal === '' ? "'" : literal;
      i = end < 0 ? pattern.length : end + 1;
      continue;
    }
    if (!/[A-Za-z]/.test(ch)) {
      out += ch;
      i += 1;
      continue;
    }
    let run = 1;
    while (pattern[i + run] === ch) run += 1;
    out += formatField(ch, run, p, ms, timeZone);
    i += run;
  }
  return out;
}

function formatField(ch: string, n: number, p: ZonedParts, ms: number, tz: string): string {
  const pad = (v: number, width = n): string => String(v).padStart(width, '0');
  switch (ch) {
    case 'y':
      return n === 2 ? pad(p.year % 100, 2) : pad(p.year);
    case 'M':
    case 'L':
      if (n >= 4) return MONTHS[p.month - 1];
      return n === 3 ? MONTHS[p.month - 1].slice(0, 3) : pad(p.month);
    case 'd':
      return pad(p.day);
    case 'H':
      return pad(p.hour);
    case 'k':
      return pad(p.hour === 0 ? 24 : p.hour);
    case 'h':
      return pad(p.hour % 12 === 0 ? 12 : p.hour % 12);
    case 'K':
      return pad(p.hour % 12);
    case 'm':
      return pad(p.minute);
    case 's':
      return pad(p.second);
    case 'S':
      return pad(p.millisecond);
    case 'E':
      return n >= 4 ? WEEKDAYS[p.weekday - 1] : WEEKDAYS[p.weekday - 1].slice(0, 3);
    case 'u':
      return pad(p.weekday);
    case 'a':
      return p.hour < 12 ? 'AM' : 'PM';
    case 'D':
      return pad(dayOfYear(p));
    case 'w':
      return pad(isoWeek(p));
    case 'Z':
      return offsetText(p.offsetMinutes, false);
    case 'X':
      if (p.offsetMinutes === 0) return 'Z';
      return n === 1
        ? offsetText(p.offsetMinutes, false).slice(0, 3)
        : offsetText(p.offsetMinutes, n >= 3);
    case 'z':
      return zoneName(ms, tz, p.offsetMinutes);
    default:
      return ch.repeat(n);
  }
}

function dayOfYear(p: ZonedParts): number {
  return (Date.UTC(p.year, p.month - 1, p.day) - Date.UTC(p.year, 0, 1)) / 86400000 + 1;
}

function offsetText(minutes: number, colon: boolean): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${sign}${hh}${colon ? ':' : ''}${mm}`;
}

function zoneName(ms: number, tz: string, offset: number): string {
  const dtf = fixedOffset(tz) === null ? formatterFor(tz, 'short') : null;
  const name = dtf?.formatToParts(new Date(ms)).find(p => p.type === 'timeZoneName')?.value;
  return name ?? `GMT${offsetText(offset, true)}`;
}

/** Offset of 'UTC', 'GMT', 'GMT+3', 'GMT-03:30', or null for a named zone. */
function fixedOffset(tz: string): number | null {
  if (/^(UTC|GMT|Z)$/i.test(tz)) return 0;
  const m = /^(?:GMT|UTC)([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(tz);
  if (!m) return null;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === '-' ? -minutes : minutes;
}

function formatterFor(tz: string, zoneStyle?: 'short'): Intl.DateTimeFormat | null {
  const key = `${tz}|${zoneStyle ?? ''}`;
  if (!formatters.has(key)) {
    try {
      formatters.set(
        key,
        new Intl.DateTimeFormat('en-US', {
          timeZone: tz,
          hourCycle: 'h23',
          year: 'numeric',
          month: 'numeric',
          day: 'numeric',
          hour: 'numeric',
          minute: 'numeric',
          second: 'numeric',
          ...(zoneStyle ? { timeZoneName: zoneStyle } : {}),
        })
      );
    } catch {
      formatters.set(key, null);
    }
  }
  return formatters.get(key) ?? null;
}

function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}
