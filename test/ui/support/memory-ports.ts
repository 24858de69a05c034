import { WEB_APP_URL_KEY } from '../../../src/sync/webhook-url';
// In-memory ports for the settings dialog's tests: a Properties store that counts its writes,
// a cache, a lock that is always free, a clock whose sleep only moves time, a logger that keeps
// its lines, a spreadsheet of in-memory sheets with a settable locale and time zone, and
// triggers that remember what was installed, with a settable web-app URL.
import { formatSimpleDate } from '../../../sandbox/runtime/date-format';
import type {
  CachePort,
  ClockPort,
  HttpPort,
  KeyValueStore,
  LoggerPort,
  MutexPort,
  SheetPort,
  SpreadsheetPort,
  TriggerInfo,
  TriggerPort,
} from '../../../src/ports';
import type { Ports } from '../../../src/sync/context';
import { MemorySheet } from '../../support/memory-sheet';
import { sha256Hex } from '../../support/digest';

export class MemoryStore implements KeyValueStore {
  readonly values = new Map<string, string>();
  /** Every write (set, setAll, delete), in order. */
  readonly writes: string[] = [];

  constructor(initial: Record<string, string> = {}) {
    for (const [key, value] of Object.entries(initial)) this.values.set(key, value);
  }

  get(key: string): string | null {
    return this.values.get(key) ?? null;
  }

  getAll(): Record<string, string> {
    return Object.fromEntries(this.values);
  }

  set(key: string, value: string): void {
    this.writes.push(`set ${key}`);
    this.values.set(key, value);
  }

  setAll(values: Record<string, string>): void {
    this.writes.push(`setAll ${Object.keys(values).sort().join(',')}`);
    for (const [key, value] of Object.entries(values)) this.values.set(key, value);
  }

  delete(key: string): void {
    this.writes.push(`delete ${key}`);
    this.values.delete(key);
  }
}

export class MemoryCache implements CachePort {
  readonly values = new Map<string, string>();

  get(key: string): string | null {
    return this.values.get(key) ?? null;
  }

  getAll(keys: string[]): Record<string, string> {
    return Object.fromEntries(keys.filter(k => this.values.has(k)).map(k => [k, this.get(k)!]));
  }

  put(key: string, value: string): void {
    this.values.set(key, value);
  }

  putAll(values: Record<string, string>): void {
    for (const [key, value] of Object.entries(values)) this.put(key, value);
  }

  remove(key: string): void {
    this.values.delete(key);
  }

  removeAll(keys: string[]): void {
    for (const key of keys) this.remove(key);
  }
}

export const freeLock: MutexPort = { tryLock: () => true, release: () => undefined };

export class ManualClock implements ClockPort {
  constructor(public time = 1_700_000_000_000) {}

  now(): number {
    return this.time;
  }

  sleep(ms: number): void {
    this.time += ms;
  }
}

export class ListLogger implements LoggerPort {
  readonly lines: string[] = [];

  info(message: string): void {
    this.lines.push(`info ${message}`);
  }

  warn(message: string): void {
    this.lines.push(`warn ${message}`);
  }

  error(message: string): void {
    this.lines.push(`error ${message}`);
  }
}

/** In-memory sheets by name (the first is the default), a locale and a time zone. */
export class NamedSheets implements SpreadsheetPort {
  readonly sheets = new Map<string, MemorySheet>();
  readonly toasts: Array<{ message: string; title?: string }> = [];
  localeName = 'en_US';
  zone = 'Europe/Moscow';

  constructor(names: string[] = ['Leads']) {
    for (const name of names) this.sheets.set(name, new MemorySheet([], name));
  }

  get names(): string[] {
    return [...this.sheets.keys()];
  }

  sheet(name?: string): SheetPort | null {
    if (name) return this.sheets.get(name) ?? null;
    return this.sheets.values().next().value ?? null;
  }

  sheetOrCreate(name: string): SheetPort {
    if (!this.sheets.has(name)) this.sheets.set(name, new MemorySheet([], name));
    return this.sheets.get(name) as MemorySheet;
  }

  toast(message: string, title?: string): void {
    this.toasts.push({ message, title });
  }

  locale(): string {
    return this.localeName;
  }

  timeZone(): string {
    return this.zone;
  }
}

export class FakeTriggers implements TriggerPort {
  readonly installed: TriggerInfo[] = [];

  constructor(public url: string | null = 'https://script.google.com/macros/s/DEPLOYMENT/exec') {}

  list(): TriggerInfo[] {
    return [...this.installed];
  }

  createEdit(handler: string): void {
    this.installed.push({ id: `t${this.installed.length + 1}`, handler, kind: 'edit' });
  }

  createClock(handler: string): void {
    this.installed.push({ id: `t${this.installed.length + 1}`, handler, kind: 'clock' });
  }

  remove(id: string): void {
    const i = this.installed.findIndex(t => t.id === id);
    if (i >= 0) this.installed.splice(i, 1);
  }

  webAppUrl(): string | null {
    return this.url;
  }
}

export interface TestPorts extends Ports {
  props: MemoryStore;
  cache: MemoryCache;
  logger: ListLogger;
  triggers: FakeTriggers;
  spreadsheet: NamedSheets;
}

/** Ports around `http`, with `props` as the stored Script Properties. */
export function memoryPorts(http: HttpPort, initial: Record<string, string> = {}): TestPorts {
  let n = 0;
  const triggers = new FakeTriggers();
  const props = new MemoryStore(initial);
  // The deployed web app was opened once, so the script learned its URL (sync/webhook-url):
  // the learned URL is the /exec one the fake deployment has, unless a test stored another.
  const get = props.get.bind(props);
  const getAll = props.getAll.bind(props);
  const learned = (): Record<string, string> =>
    props.values.has(WEB_APP_URL_KEY) || !triggers.url?.endsWith('/exec')
      ? {}
      : { [WEB_APP_URL_KEY]: triggers.url };
  props.get = key => get(key) ?? learned()[key] ?? null;
  props.getAll = () => ({ ...learned(), ...getAll() });
  return {
    spreadsheet: new NamedSheets(),
    props,
    cache: new MemoryCache(),
    lock: freeLock,
    clock: new ManualClock(),
    logger: new ListLogger(),
    http,
    triggers,
    uuid: () => `0b7e${String(++n).padStart(4, '0')}-1c2d-4e5f-8a9b-0c1d2e3f4a5b`,
    formatDate: (epochMs, timeZone, pattern) => formatSimpleDate(epochMs, timeZone, pattern),
    sha256Hex,
  };
}
