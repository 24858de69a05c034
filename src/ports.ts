// The ports: the only shapes through which the sync logic and the AmoCRM client touch the
// outside world. src/gas/ implements them over the Apps Script services; unit tests implement
// them in memory. Nothing outside src/gas/ may name an Apps Script global.

/** One HTTP request, as UrlFetchApp takes it (payload already serialised). */
export interface HttpRequest {
  url: string;
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  headers?: Record<string, string>;
  /** Body text; sent with `contentType`. */
  payload?: string;
  contentType?: string;
}

export interface HttpResponse {
  status: number;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body: string;
}

/**
 * Sends requests. A batch goes out concurrently (UrlFetchApp.fetchAll). Any transport failure
 * (host unreachable, timeout, dropped connection) throws a {@link NetworkError} for the whole
 * batch: Apps Script does not say which request of a batch failed, so the caller must treat
 * every request of that batch as "outcome unknown".
 */
export interface HttpPort {
  fetchAll(requests: HttpRequest[]): HttpResponse[];
}

export class NetworkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NetworkError';
  }
}

/** A durable string store (Script Properties). */
export interface KeyValueStore {
  get(key: string): string | null;
  getAll(): Record<string, string>;
  set(key: string, value: string): void;
  setAll(values: Record<string, string>): void;
  delete(key: string): void;
}

/** A best-effort store with expiry (CacheService). Entries may vanish at any time. */
export interface CachePort {
  get(key: string): string | null;
  getAll(keys: string[]): Record<string, string>;
  put(key: string, value: string, ttlSeconds: number): void;
  /** Several entries in one call (CacheService.putAll). */
  putAll(values: Record<string, string>, ttlSeconds: number): void;
  remove(key: string): void;
  removeAll(keys: string[]): void;
}

/** The script-wide mutex (LockService.getScriptLock()). */
export interface MutexPort {
  /** Waits up to `timeoutMs`; true when the lock is now held by this execution. */
  tryLock(timeoutMs: number): boolean;
  release(): void;
}

/** Time as this execution sees it. */
export interface ClockPort {
  /** Milliseconds since the epoch. */
  now(): number;
  sleep(ms: number): void;
}

export interface LoggerPort {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A cell value as SpreadsheetApp returns it. */
export type CellValue = string | number | boolean | Date;

/** One sheet, addressed in 1-based rows and columns, read and written in rectangular blocks. */
export interface SheetPort {
  readonly name: string;
  lastRow(): number;
  lastColumn(): number;
  /** The values of a block; empty cells are ''. */
  read(row: number, column: number, rows: number, columns: number): CellValue[][];
  /** Row 1 up to its last non-blank cell (one call: the headers). */
  headerRow(): CellValue[];
  /** Every value from A1 to the last row and column with content (one call). */
  readAll(): CellValue[][];
  /**
   * Writes a block. Strings are stored as the exact text (never parsed as a formula or a
   * number): the adapter takes care of Sheets' typed-input parsing.
   */
  write(row: number, column: number, values: CellValue[][]): void;
  /** The notes of a block ('' where a cell has none). */
  readNotes(row: number, column: number, rows: number, columns: number): string[][];
  /** Sets the notes of a block. */
  writeNotes(row: number, column: number, notes: string[][]): void;
  /** The formulas of a block ('' where a cell holds a plain value). */
  readFormulas(row: number, column: number, rows: number, columns: number): string[][];
  /** Adds a row after the last one with content (strings kept as exact text). */
  append(values: CellValue[]): void;
  /**
   * Makes the grid at least `rows` rows tall: Sheets refuses a range past its last row ("The
   * coordinates of the range are outside the dimensions of the sheet").
   */
  ensureRows(rows: number): void;
  /** Inserts `count` empty rows before row `before`. */
  insertRows(before: number, count: number): void;
  /** Deletes `count` rows starting at row `from`. */
  deleteRows(from: number, count: number): void;
  /**
   * The data rows (row 2 on) whose cell in `column` shows exactly one of `texts`, found by the
   * spreadsheet (TextFinder: one call, no cell content sent back), in sheet order.
   */
  findRows(column: number, texts: string[]): number[];
  /** Commits pending writes (before a lock is released). */
  flush(): void;
  /**
   * The help text of the data-validation rule on a column's first data row (row 2), or null
   * when it has none: tells the script's own dropdowns from a person's.
   */
  validationHelp?(column: number): string | null;
  /**
   * Puts a dropdown of `values` (null: no rule) on a column from row 2 to the sheet's last
   * row, as one call. Values that are not in the list stay allowed (Sheets marks them).
   */
  setDropdown?(column: number, values: string[] | null, helpText: string): void;
}

/** The spreadsheet and its UI. */
export interface SpreadsheetPort {
  /** The sheet by name, or the first sheet when `name` is empty; null when it does not exist. */
  sheet(name?: string): SheetPort | null;
  /** A sheet by name, created when missing. */
  sheetOrCreate(name: string): SheetPort;
  toast(message: string, title?: string): void;
  /** The spreadsheet's locale, e.g. `ru_RU` (getSpreadsheetLocale); chooses the language. */
  locale(): string;
  /** The spreadsheet's time zone, e.g. `Europe/Moscow` (getSpreadsheetTimeZone). */
  timeZone(): string;
}

export interface TriggerInfo {
  id: string;
  handler: string;
  kind: 'edit' | 'clock' | 'other';
}

/** Installable triggers and the web app's own URL (ScriptApp). */
export interface TriggerPort {
  list(): TriggerInfo[];
  createEdit(handler: string): void;
  createClock(handler: string, everyMinutes: 1 | 5 | 10 | 15 | 30): void;
  remove(id: string): void;
  /** The deployed web app's URL, or null when the script is not deployed as one. */
  webAppUrl(): string | null;
  /** The e-mail of the user this execution runs as ('' when unknown). */
  currentUser?(): string;
  /** Of these OAuth scopes, the ones the current user has not granted. */
  missingScopes?(scopes: string[]): string[];
}
