// Calendar days and wall-clock times in the spreadsheet's time zone, with only the formatter
// Apps Script gives (Utilities.formatDate): a day is formatted from an instant, and an
// instant is found for a day and time by asking the formatter for the zone's offset.

export interface ZoneEnv {
  timeZone: string;
  formatDate(epochMs: number, timeZone: string, pattern: string): string;
}

/** `yyyy-MM-dd` of an instant in the zone. */
export function dayOf(epochMs: number, env: ZoneEnv): string {
  return env.formatDate(epochMs, env.timeZone, 'yyyy-MM-dd');
}

/** A typed day (`2026-12-31`, `31.12.2026`) as `yyyy-MM-dd`, or null. */
export function parseDay(text: string): string | null {
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  const dotted = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(text);
  const [y, m, d] = iso
    ? [iso[1], iso[2], iso[3]]
    : dotted
      ? [dotted[3], dotted[2], dotted[1]]
      : [];
  if (!y || !m || !d) return null;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  if (date.getUTCMonth() !== Number(m) - 1 || date.getUTCDate() !== Number(d)) return null;
  return `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
}

/** A typed day and time (`2026-12-31 14:30`, `31.12.2026 14:30:05`), or null. */
export function parseDayTime(text: string): { day: string; time: string } | null {
  const match = /^(\S+)[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  const day = match ? parseDay(match[1]) : parseDay(text.trim());
  if (!day) return null;
  if (!match) return { day, time: '00:00' };
  if (Number(match[2]) > 23) return null;
  return { day, time: `${match[2]}:${match[3]}:${match[4] ?? '00'}` };
}

/** The instant of a wall-clock `day` (`yyyy-MM-dd`) and `time` (`HH:mm[:ss]`) in the zone. */
export function instantOf(day: string, time: string, env: ZoneEnv): number {
  const [y, m, d] = day.split('-').map(Number);
  const [h, mi, s] = time.split(':').map(Number);
  const wall = Date.UTC(y, m - 1, d, h, mi, s || 0);
  let instant = wall - offsetMs(wall, env);
  // Near a daylight-saving switch the offset at the answer may differ from the first guess.
  const again = wall - offsetMs(instant, env);
  if (again !== instant) instant = again;
  return instant;
}

function offsetMs(epochMs: number, env: ZoneEnv): number {
  const z = env.formatDate(epochMs, env.timeZone, 'Z');
  const match = /^([+-])(\d{2}):?(\d{2})$/.exec(z);
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return (match[1] === '-' ? -1 : 1) * minutes * 60_000;
}
