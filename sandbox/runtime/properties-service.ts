// PropertiesService: three durable string stores (script, document, user) that outlive every
// execution, with Apps Script's size limits — 9 KB per property (key and value together) and
// 500 KB per store. `PropertyStore` is also the test-facing view (`runtime.properties.script`),
// whose writes are not script calls and are not limited.

import { GasException } from './errors';
import type { Execution } from './execution';

const MAX_PROPERTY_BYTES = 9 * 1024;
const MAX_STORE_BYTES = 500 * 1024;
const QUOTA_MESSAGE =
  'You have exceeded the property storage quota. Please remove some properties and try again.';

export class PropertyStore {
  private readonly map = new Map<string, string>();

  get(key: string): string | null {
    return this.map.get(key) ?? null;
  }

  set(key: string, value: string): void {
    this.map.set(key, String(value));
  }

  setAll(values: Record<string, string>, deleteAllOthers = false): void {
    if (deleteAllOthers) this.map.clear();
    for (const [key, value] of Object.entries(values)) this.map.set(key, String(value));
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }

  keys(): string[] {
    return [...this.map.keys()];
  }

  /** A plain-object copy of the store. */
  all(): Record<string, string> {
    return Object.fromEntries(this.map);
  }

  /** Bytes the store would hold after replacing `changes` (null deletes a key). */
  sizeAfter(changes: Record<string, string | null>, deleteAllOthers = false): number {
    const next = new Map(deleteAllOthers ? [] : this.map);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null) next.delete(key);
      else next.set(key, value);
    }
    let total = 0;
    for (const [key, value] of next) total += entryBytes(key, value);
    return total;
  }
}

export interface PropertyStores {
  script: PropertyStore;
  document: PropertyStore;
  user: PropertyStore;
}

export function createPropertyStores(): PropertyStores {
  return { script: new PropertyStore(), document: new PropertyStore(), user: new PropertyStore() };
}

export function createPropertiesService(exec: Execution): object {
  const stores = exec.state.properties;
  return exec.object('PropertiesService', {
    getScriptProperties: () => propertiesObject(exec, 'script', stores.script),
    getDocumentProperties: () => propertiesObject(exec, 'document', stores.document),
    getUserProperties: () => propertiesObject(exec, 'user', stores.user),
  });
}

function propertiesObject(exec: Execution, kind: string, store: PropertyStore): object {
  return exec.memoize(`properties:${kind}`, () => {
    const count = (): void => {
      exec.counters.propertiesCalls += 1;
    };
    const write = (changes: Record<string, string | null>, deleteAllOthers = false): void => {
      for (const [key, value] of Object.entries(changes)) {
        if (value !== null && entryBytes(key, value) > MAX_PROPERTY_BYTES) {
          throw new GasException('Argument too large: value');
        }
      }
      if (store.sizeAfter(changes, deleteAllOthers) > MAX_STORE_BYTES) {
        throw new GasException(QUOTA_MESSAGE);
      }
      if (deleteAllOthers) store.clear();
      for (const [key, value] of Object.entries(changes)) {
        if (value === null) store.delete(key);
        else store.set(key, value);
      }
    };
    const self: object = exec.object('Properties', {
      getProperty: key => {
        count();
        return store.get(requireKey(key));
      },
      getProperties: () => {
        count();
        return store.all();
      },
      getKeys: () => {
        count();
        return store.keys();
      },
      setProperty: (key, value) => {
        count();
        write({ [requireKey(key)]: requireValue(value) });
        return self;
      },
      setProperties: (properties, deleteAllOthers) => {
        count();
        write(stringRecord(properties), deleteAllOthers === true);
        return self;
      },
      deleteProperty: key => {
        count();
        store.delete(requireKey(key));
        return self;
      },
      deleteAllProperties: () => {
        count();
        store.clear();
        return self;
      },
    });
    return self;
  });
}

function entryBytes(key: string, value: string): number {
  return Buffer.byteLength(key, 'utf8') + Buffer.byteLength(value, 'utf8');
}

function requireKey(key: unknown): string {
  if (key === null || key === undefined) throw new GasException('Invalid argument: key');
  return String(key);
}

function requireValue(value: unknown): string {
  if (value === null || value === undefined) throw new GasException('Invalid argument: value');
  return String(value);
}

function stringRecord(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) {
    throw new GasException('Invalid argument: properties');
  }
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) out[key] = String(item);
  return out;
}
