// The sheet "AmoCRM log": one line per failure and per recovery, newest first, so a person
// can see what went wrong and what healed without opening the script editor. Entries are
// collected during an execution and written in one block at its end; the sheet is created on
// first need and capped. Messages are the sync's own texts (AmoError messages are scrubbed of
// tokens), never request bodies or URLs with the webhook secret. The header, the flow and the
// outcome are in the person's language (chosen when the lines are written, so the whole sheet
// follows a change of language at the next write); the sheet's name stays the same in both, so
// a change of language never starts a second log.
import type { Lang } from '../i18n/lang';
import { messages } from '../i18n/messages';
import type { ClockPort, KeyValueStore, SpreadsheetPort } from '../ports';
import { uiLanguage } from './config';

export const LOG_SHEET = 'AmoCRM log';
const MAX_ROWS = 3000;
/** Lines written since the sheet was last measured (Script Properties). */
const LOG_LINES_KEY = 'SYNC_LOG_LINES';
/** Lines of executions that could not take the script lock, for the next writer (JSON). */
const STASH_PREFIX = 'SYNC_LOG_STASH_';
const STASHED_FLAG = 'SYNC_LOG_STASHED';
/** A stash stays well under the 9 KB a Script Property may hold. */
const MAX_STASHED = 20;
const MAX_STASHED_MESSAGE = 200;
const MAX_MESSAGE_CHARS = 500;
/** Past this many entries of one kind in one run, they are summed up in one line. */
const MAX_ALIKE = 20;

export interface LogEntry {
  flow: 'edit' | 'sync' | 'import' | 'background' | 'webhook' | 'reconcile' | 'export';
  target: string;
  outcome: 'failed' | 'recovered' | 'refused' | 'queued' | 'deferred' | 'finished';
  message: string;
}

type Timed = LogEntry & { at: number };

/** Many alike entries (an import's 1,000 failed rows) become one line with a count. */
function summarize(entries: Timed[], lang: Lang): Timed[] {
  const groups = new Map<string, Timed[]>();
  for (const e of entries) {
    const key = `${e.flow}|${e.outcome}|${e.message}`;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  return entries
    .filter(e => {
      const group = groups.get(`${e.flow}|${e.outcome}|${e.message}`) as Timed[];
      return group.length <= MAX_ALIKE || group[0] === e;
    })
    .map(e => {
      const group = groups.get(`${e.flow}|${e.outcome}|${e.message}`) as Timed[];
      if (group.length <= MAX_ALIKE) return e;
      const last = group[group.length - 1];
      return { ...last, target: messages(lang).log.rows(group.length, e.target, last.target) };
    });
}

export class SyncLog {
  private readonly entries: Timed[] = [];

  constructor(
    private readonly spreadsheet: SpreadsheetPort,
    private readonly clock: ClockPort,
    private readonly store: KeyValueStore
  ) {}

  add(entry: LogEntry): void {
    this.entries.push({ ...entry, at: this.clock.now() });
  }

  /**
   * Writes what was collected (newest first) in one block below the header, and trims the
   * sheet to its cap. The time goes in as a date cell (text starting with a digit would cost
   * a format read), and the sheet's length is asked only when the cap may be near. Two
   * executions inserting lines at once would write over each other's, so only the holder of
   * the script lock writes: without it (`locked` false) the lines wait in Script Properties,
   * and the next writer adds them.
   */
  flush(locked = true, stashKey = ''): void {
    if (!locked) {
      if (this.entries.length > 0) this.stash(stashKey);
      return;
    }
    this.write(this.entries.splice(0));
    // An execution that could not take the lock (while this one held it) left its lines.
    if (this.store.get(STASHED_FLAG) !== null) this.write(this.unstash());
  }

  private stash(key: string): void {
    const entries = summarize(this.entries.splice(0), uiLanguage(this.spreadsheet, this.store))
      .slice(-MAX_STASHED)
      .map(e => ({ ...e, message: e.message.slice(0, MAX_STASHED_MESSAGE) }));
    this.store.set(STASH_PREFIX + key, JSON.stringify(entries));
    this.store.set(STASHED_FLAG, '1');
  }

  private unstash(): Timed[] {
    const all = this.store.getAll();
    this.store.delete(STASHED_FLAG);
    const entries: Timed[] = [];
    for (const key of Object.keys(all).filter(k => k.startsWith(STASH_PREFIX))) {
      try {
        entries.push(...(JSON.parse(all[key]) as Timed[]));
      } catch {
        // A damaged stash is dropped; it held only log lines.
      }
      this.store.delete(key);
    }
    return entries.sort((a, b) => a.at - b.at);
  }

  private write(entries: Timed[]): void {
    if (entries.length === 0) return;
    const lang = uiLanguage(this.spreadsheet, this.store);
    const text = messages(lang).log;
    const lines = summarize(entries, lang)
      .reverse()
      .slice(0, MAX_ROWS)
      .map(e => [
        new Date(e.at),
        text.flows[e.flow] ?? e.flow,
        e.target,
        text.outcomes[e.outcome] ?? e.outcome,
        e.message.slice(0, MAX_MESSAGE_CHARS),
      ]);
    const sheet = this.spreadsheet.sheetOrCreate(LOG_SHEET);
    // Inserting makes room below the header (a new sheet has only so many rows).
    sheet.insertRows(2, lines.length);
    sheet.write(1, 1, [text.header, ...lines]);
    const written = Number(this.store.get(LOG_LINES_KEY) ?? '0') + lines.length;
    this.store.set(LOG_LINES_KEY, String(written));
    if (written <= MAX_ROWS) return;
    const total = sheet.lastRow();
    if (total > MAX_ROWS + 1) sheet.deleteRows(MAX_ROWS + 2, total - MAX_ROWS - 1);
    this.store.set(LOG_LINES_KEY, String(Math.min(total - 1, MAX_ROWS)));
  }
}
