// In-memory ports for the settings dialog's tests: a Properties store that counts its writes,
// a cache, a lock that is always free, a clock whose sleep only moves time, a logger that keeps
// its lines, a spreadsheet that knows sheet names, and triggers with a settable web-app URL.
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

  remove(key: string): void {
    this.values.delete(key);
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

/** Knows which sheets exist; the settings never read or write cells. */
export class NamedSheets implements SpreadsheetPort {
  constructor(readonly names: string[] = ['Leads']) {}

  sheet(name?: string): SheetPort | null {
    const found = name ? this.names.includes(name) : this.names.length > 0;
    return found ? ({ name: name ?? this.names[0] } as SheetPort) : null;
  }

  sheetOrCreate(): SheetPort {
    throw new Error('the settings do not create sheets');
  }

  toast(): void {}
}

export class FakeTriggers implements TriggerPort {
  constructor(public url: string | null = 'https://script.google.com/macros/s/DEPLOYMENT/exec') {}

  list(): TriggerInfo[] {
    return [];
  }

  createEdit(): void {}

  createClock(): void {}

  remove(): void {}

  webAppUrl(): string | null {
    return this.url;
  }
}

export interface TestPorts extends Ports {
  props: MemoryStore;
  cache: MemoryCache;
  logger: ListLogger;
  triggers: FakeTriggers;
}

/** Ports around `http`, with `props` as the stored Script Properties. */
export function memoryPorts(http: HttpPort, props: Record<string, string> = {}): TestPorts {
  let n = 0;
  return {
    spreadsheet: new NamedSheets(),
    props: new MemoryStore(props),
    cache: new MemoryCache(),
    lock: freeLock,
    clock: new ManualClock(),
    logger: new ListLogger(),
    http,
    triggers: new FakeTriggers(),
    uuid: () => `0b7e${String(++n).padStart(4, '0')}-1c2d-4e5f-8a9b-0c1d2e3f4a5b`,
  };
}
