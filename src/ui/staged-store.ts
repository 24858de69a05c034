// A KeyValueStore that holds its writes back: reads see the staged values over the real store,
// writes and deletes stay in memory until commit() sends the changed ones in one setAll (plus
// the deletes). The settings dialog runs every check and AmoCRM call against it, so a failed
// save leaves Script Properties exactly as they were.
import type { KeyValueStore } from '../ports';

export class StagedStore implements KeyValueStore {
  private readonly staged = new Map<string, string>();
  private readonly removed = new Set<string>();

  constructor(private readonly base: KeyValueStore) {}

  get(key: string): string | null {
    if (this.removed.has(key)) return null;
    return this.staged.get(key) ?? this.base.get(key);
  }

  getAll(): Record<string, string> {
    const all = { ...this.base.getAll(), ...Object.fromEntries(this.staged) };
    for (const key of this.removed) delete all[key];
    return all;
  }

  set(key: string, value: string): void {
    this.staged.set(key, value);
    this.removed.delete(key);
  }

  setAll(values: Record<string, string>): void {
    for (const [key, value] of Object.entries(values)) this.set(key, value);
  }

  delete(key: string): void {
    this.staged.delete(key);
    this.removed.add(key);
  }

  /** The keys a commit would change (names only: values may be secrets). */
  changedKeys(): string[] {
    const { writes, deletes } = this.pending();
    return [...Object.keys(writes), ...deletes].sort();
  }

  /** Writes every changed value in one setAll, then deletes what was deleted. */
  commit(): void {
    const { writes, deletes } = this.pending();
    if (Object.keys(writes).length > 0) this.base.setAll(writes);
    for (const key of deletes) this.base.delete(key);
    this.staged.clear();
    this.removed.clear();
  }

  private pending(): { writes: Record<string, string>; deletes: string[] } {
    const writes: Record<string, string> = {};
    for (const [key, value] of this.staged) if (this.base.get(key) !== value) writes[key] = value;
    const deletes = [...this.removed].filter(key => this.base.get(key) !== null);
    return { writes, deletes };
  }
}
