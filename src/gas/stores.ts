// KeyValueStore, CachePort and MutexPort over PropertiesService, CacheService and
// LockService. Script-wide stores on purpose: the web app, the triggers and the menu may run
// as different users, and tokens and pending work must be shared by all of them.
import { CachePort, KeyValueStore, MutexPort } from '../ports';
import { flushPendingWrites } from './spreadsheet';

/** How long one read stands for later ones: the reads a run makes as it starts. */
const COPY_LIFE_MS = 1000;
/** This execution's property stores: taking the script lock makes them read afresh. */
const openStores = new Set<ScriptPropertiesStore>();

/**
 * Script Properties, read in one call: a read gets every property, and the reads that follow
 * within a second answer from that copy, so a run that reads a dozen settings and cursors as
 * it starts makes one read instead of a dozen (Properties calls have a daily quota). A value
 * another execution writes meanwhile is seen as if this one had read a moment earlier, which
 * it might have. The copy is dropped when this execution writes (a read-modify-write of a
 * shared key, such as the sync log's stash, reads afresh) and when it takes the script lock
 * (claims and tokens are read after taking it).
 */
export class ScriptPropertiesStore implements KeyValueStore {
  private readonly props = PropertiesService.getScriptProperties();
  private known: Record<string, string> | null = null;
  private readAt = 0;

  constructor() {
    openStores.add(this);
  }

  get(key: string): string | null {
    const known = this.fresh() ?? this.read();
    return Object.prototype.hasOwnProperty.call(known, key) ? known[key] : null;
  }

  getAll(): Record<string, string> {
    return { ...(this.fresh() ?? this.read()) };
  }

  private read(): Record<string, string> {
    this.known = this.props.getProperties();
    this.readAt = Date.now();
    return this.known;
  }

  /** The copy while it is young enough to stand for a read now. */
  private fresh(): Record<string, string> | null {
    return this.known && Date.now() - this.readAt < COPY_LIFE_MS ? this.known : null;
  }

  set(key: string, value: string): void {
    this.props.setProperty(key, value);
    this.known = null;
  }

  setAll(values: Record<string, string>): void {
    this.props.setProperties(values);
    this.known = null;
  }

  delete(key: string): void {
    this.props.deleteProperty(key);
    this.known = null;
  }

  /** Reads afresh from now on (another execution may have written under the lock). */
  forget(): void {
    this.known = null;
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
      if (this.depth === 0) openStores.forEach(store => store.forget());
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
