// CacheService: script, document and user caches whose entries expire on the virtual clock.
// Limits follow Apps Script: keys up to 250 characters, values up to 100 KB, TTL default 600 s
// and at most 21,600 s, about 1,000 items (past that the oldest entries are dropped, as
// measured by J. Poehnelt: FIFO by creation, ~10% at once). `runtime.cache.evictAll()` lets a
// test simulate the platform dropping entries early, which it may do at any time.

import { GasException } from './errors';
import type { Execution } from './execution';

const MAX_KEY_CHARS = 250;
const MAX_VALUE_BYTES = 100 * 1024;
const DEFAULT_TTL_S = 600;
const MAX_TTL_S = 21_600;
const MAX_ITEMS = 1000;
const EVICT_BATCH = 100;

interface Entry {
  value: string;
  expiresAt: number;
  createdSeq: number;
}

export class CacheStore {
  private readonly entries = new Map<string, Entry>();
  private seq = 0;

  constructor(private readonly now: () => number) {}

  get(key: string): string | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return null;
    }
    return entry.value;
  }

  put(key: string, value: string, ttlSeconds = DEFAULT_TTL_S): void {
    this.entries.delete(key);
    this.entries.set(key, {
      value,
      expiresAt: this.now() + ttlSeconds * 1000,
      createdSeq: (this.seq += 1),
    });
    if (this.entries.size > MAX_ITEMS) this.evictOldest(EVICT_BATCH);
  }

  remove(key: string): void {
    this.entries.delete(key);
  }

  /** Drops every entry, as the platform may at any time. */
  evictAll(): void {
    this.entries.clear();
  }

  /** Live (unexpired) entries, for tests. */
  all(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const key of [...this.entries.keys()]) {
      const value = this.get(key);
      if (value !== null) out[key] = value;
    }
    return out;
  }

  private evictOldest(count: number): void {
    const oldest = [...this.entries.entries()]
      .sort((a, b) => a[1].createdSeq - b[1].createdSeq)
      .slice(0, count);
    for (const [key] of oldest) this.entries.delete(key);
  }
}

export interface CacheStores {
  script: CacheStore;
  document: CacheStore;
  user: CacheStore;
  /** Empties all three caches. */
  evictAll(): void;
}

export function createCacheStores(now: () => number): CacheStores {
  const stores = {
    script: new CacheStore(now),
    document: new CacheStore(now),
    user: new CacheStore(now),
  };
  return {
    ...stores,
    evictAll: () => Object.values(stores).forEach(store => store.evictAll()),
  };
}

export function createCacheService(exec: Execution): object {
  const stores = exec.state.caches;
  return exec.object('CacheService', {
    getScriptCache: () => cacheObject(exec, 'script', stores.script),
    getDocumentCache: () => cacheObject(exec, 'document', stores.document),
    getUserCache: () => cacheObject(exec, 'user', stores.user),
  });
}

function cacheObject(exec: Execution, kind: string, store: CacheStore): object {
  return exec.memoize(`cache:${kind}`, () => {
    const count = (): void => {
      exec.counters.cacheCalls += 1;
    };
    const putOne = (key: unknown, value: unknown, ttl: unknown): void => {
      const k = checkKey(key);
      const v = String(value);
      if (Buffer.byteLength(v, 'utf8') > MAX_VALUE_BYTES) {
        throw new GasException('Argument too large: value');
      }
      store.put(k, v, ttlSeconds(ttl));
    };
    return exec.object('Cache', {
      get: key => {
        count();
        return store.get(checkKey(key));
      },
      getAll: keys => {
        count();
        const out: Record<string, string> = {};
        for (const key of stringList(keys)) {
          const value = store.get(checkKey(key));
          if (value !== null) out[key] = value;
        }
        return out;
      },
      put: (key, value, ttl) => {
        count();
        putOne(key, value, ttl);
      },
      putAll: (values, ttl) => {
        count();
        if (typeof values !== 'object' || values === null) {
          throw new GasException('Invalid argument: values');
        }
        for (const [key, value] of Object.entries(values)) putOne(key, value, ttl);
      },
      remove: key => {
        count();
        store.remove(checkKey(key));
      },
      removeAll: keys => {
        count();
        for (const key of stringList(keys)) store.remove(checkKey(key));
      },
    });
  });
}

function checkKey(key: unknown): string {
  if (key === null || key === undefined) throw new GasException('Invalid argument: key');
  const k = String(key);
  if (k.length > MAX_KEY_CHARS) throw new GasException('Argument too large: key');
  return k;
}

/** Default 600 s; larger values are capped at the 6-hour maximum (the platform does not throw). */
function ttlSeconds(ttl: unknown): number {
  if (ttl === undefined || ttl === null) return DEFAULT_TTL_S;
  const n = Number(ttl);
  if (!Number.isFinite(n)) return DEFAULT_TTL_S;
  return Math.min(Math.max(n, 1), MAX_TTL_S);
}

function stringList(value: unknown): string[] {
  if (!Array.isArray(value)) throw new GasException('Invalid argument: keys');
  return value.map(item => String(item));
}
