// The sheet "AmoCRM log": one line per failure and per recovery, newest first, so a person
// can see what went wrong and what healed without opening the script editor. Entries are
// collected during an execution and written in one block at its end; the sheet is created on
// first need and capped. Messages are the sync's own texts (AmoError messages are scrubbed of
// tokens), never request bodies or URLs with the webhook secret.
import type { ClockPort, SpreadsheetPort } from '../ports';

export const LOG_SHEET = 'AmoCRM log';
const HEADER = ['time', 'flow', 'row or lead', 'outcome', 'message'];
const MAX_ROWS = 3000;
const MAX_MESSAGE_CHARS = 500;

export interface LogEntry {
  flow: 'edit' | 'sync' | 'import' | 'background' | 'webhook' | 'reconcile';
  target: string;
  outcome: 'failed' | 'recovered' | 'refused' | 'queued' | 'deferred';
  message: string;
}

export class SyncLog {
  private readonly entries: Array<LogEntry & { at: number }> = [];

  constructor(
    private readonly spreadsheet: SpreadsheetPort,
    private readonly clock: ClockPort
  ) {}

  add(entry: LogEntry): void {
    this.entries.push({ ...entry, at: this.clock.now() });
  }

  /** Writes what was collected (newest first) and trims the sheet to its cap. */
  flush(): void {
    if (this.entries.length === 0) return;
    const sheet = this.spreadsheet.sheetOrCreate(LOG_SHEET);
    const lines = this.entries
      .reverse()
      .map(e => [
        new Date(e.at).toISOString().replace('T', ' ').slice(0, 19),
        e.flow,
        e.target,
        e.outcome,
        e.message.slice(0, MAX_MESSAGE_CHARS),
      ]);
    this.entries.length = 0;
    const last = sheet.lastRow();
    if (last === 0) sheet.write(1, 1, [HEADER]);
    else sheet.insertRows(2, lines.length);
    sheet.write(2, 1, lines);
    const total = Math.max(last, 1) + lines.length;
    if (total > MAX_ROWS + 1) sheet.deleteRows(MAX_ROWS + 2, total - MAX_ROWS - 1);
  }
}
