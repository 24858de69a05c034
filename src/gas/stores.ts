// KeyValueStore, CachePort and MutexPort over PropertiesService, CacheService and
// LockService. Script-wide stores on purpose: the web app, the triggers and the menu may run
// as different users, and tokens and pending work must be shared by all of them.
import { CachePort, KeyValueStore, MutexPort } from '../ports';
import { flushPendingWrites } from './spreadsheet';

export class ScriptPropertiesStore implements KeyValueStore {
  private readonly props = PropertiesService.getScriptProperties();

  get(key: string): string | null {
    return this.props.getProperty(key);
  }

  getAll(): Record<string, string> {
    return this.props.getProperties();
  }

  set(key: string, value: string): void {
    this.props.setProperty(key, value);
  }

  setAll(values: Record<string, string>): void {
    this.props.setProperties(values);
  }

  delete(key: string): void {
    this.props.deleteProperty(key);
  }
}

export class ScriptCache implements CachePort {
  private readonly cache = CacheService.getScriptCache();

  get(key: string): string | null {
    return this.cache.get(key);
  }

  getAll(keys: string[]): Record<string, string> {
    return this.cache.getAll(keys);
  }

  put(key: string, value: string, ttlSeconds: number): void {
    this.cache.put(key, value, ttlSeconds);
  }

  putAll(values: Record<string, string>, ttlSeconds: number): void {
    this.cache.putAll(values, ttlSeconds);
  }

  remove(key: string): void {
    this.cache.remove(key);
  }

  removeAll(keys: string[]): void {
    this.cache.removeAll(keys);
  }
}

/**
 * Reentrant over LockService: a flow that holds the lock may call code that takes it again
 * (a token refresh during a webhook's pull); only the outermost release frees it.
 */
export class ScriptLock implements MutexPort {
  private readonly lock = LockService.getScriptLock();
  private depth = 0;

  tryLock(timeoutMs: number): boolean {
    if (this.depth > 0 || this.lock.tryLock(timeoutMs)) {
      this.depth++;
      return true;
    }
    return false;
  }

  release(): void {
    if (this.depth === 0) return;
    this.depth--;
    if (this.depth === 0) {
      flushPendingWrites();
      this.lock.releaseLock();
    }
  }
}
