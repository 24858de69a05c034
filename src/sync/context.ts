// What every flow gets: the ports, the settings, and lazily the AmoCRM client. Built once per
// execution by src/gas/entrypoints.ts (or by a unit test with in-memory ports).
import type { AmoClient } from '../amo/client';
import type { StatusDirectory } from '../amo/pipelines';
import type {
  CachePort,
  ClockPort,
  HttpPort,
  KeyValueStore,
  LoggerPort,
  MutexPort,
  SpreadsheetPort,
  TriggerPort,
} from '../ports';
import type { Lang } from '../i18n/lang';
import type { Settings } from './config';
import type { LogEntry, SyncLog } from './sync-log';

export interface Ports {
  spreadsheet: SpreadsheetPort;
  props: KeyValueStore;
  cache: CachePort;
  lock: MutexPort;
  clock: ClockPort;
  logger: LoggerPort;
  http: HttpPort;
  triggers: TriggerPort;
  /** A random UUID (Utilities.getUuid). */
  uuid(): string;
  /** `epochMs` in `timeZone` as SimpleDateFormat `pattern` says (Utilities.formatDate). */
  formatDate(epochMs: number, timeZone: string, pattern: string): string;
  /** SHA-256 of the text's UTF-8 bytes, as lower-case hex (Utilities.computeDigest). */
  sha256Hex(text: string): string;
}

/** Apps Script ends an execution at 6 minutes; work stops starting new steps well before. */
export const EXECUTION_LIMIT_MS = 6 * 60 * 1000;
export const SAFE_WORK_MS = 4.5 * 60 * 1000;

export interface SyncContext extends Ports {
  settings: Settings;
  amo: AmoClient;
  statuses: StatusDirectory;
  /** Epoch ms when this execution started. */
  startedAt: number;
  /** Epoch ms after which no new batch of work may start. */
  workDeadline: number;
  /** Which job this execution runs (for the sync log). */
  flow: LogEntry['flow'];
  log: SyncLog;
  /** The language of what people read (sync_status, the log): UI_LANGUAGE, else the locale. */
  lang: Lang;
  /**
   * Long work reports how far it got (rows done of rows to do) after each batch; the menu's
   * flows show it as a toast. Optional: a flow with nobody watching leaves it unset.
   */
  progress?: (done: number, total: number) => void;
}

export function timeLeft(ctx: SyncContext): number {
  return ctx.workDeadline - ctx.clock.now();
}
