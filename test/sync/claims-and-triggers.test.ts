import type { KeyValueStore, TriggerInfo, TriggerPort } from '../../src/ports';
import { isClaimed, orphanClaim, readClaims, writeClaim } from '../../src/sync/claims';
import { ensureTriggers } from '../../src/sync/triggers';

class MapStore implements KeyValueStore {
  map = new Map<string, string>();
  get = (k: string) => this.map.get(k) ?? null;
  getAll = () => Object.fromEntries(this.map);
  set = (k: string, v: string) => void this.map.set(k, v);
  setAll = (values: Record<string, string>) =>
    Object.entries(values).forEach(([k, v]) => this.set(k, v));
  delete = (k: string) => void this.map.delete(k);
}

describe('claims', () => {
  it('a fresh claim covers its rows; after an execution lifetime it is stale', () => {
    const store = new MapStore();
    writeClaim(store, 'a', 1_000_000, ['r-1', 'r-2']);
    const fresh = readClaims(store.getAll(), 1_000_000 + 60_000);
    expect(isClaimed(fresh, 'r-1')).toBe(true);
    expect(isClaimed(fresh, 'r-3')).toBe(false);
    const later = readClaims(store.getAll(), 1_000_000 + 7 * 60_000);
    expect(later.live).toHaveLength(0);
    expect(later.stale.map(c => c.ids)).toEqual([['r-1', 'r-2']]);
  });

  it('a claim too large for one property covers every new row and still fits 9 KB', () => {
    const store = new MapStore();
    const ids = Array.from({ length: 2000 }, (_, i) => `r-${String(i).padStart(16, '0')}`);
    const key = writeClaim(store, 'big', 5, ids);
    expect((store.get(key) as string).length).toBeLessThan(9 * 1024);
    expect(isClaimed(readClaims(store.getAll(), 6), 'r-anything')).toBe(true);
  });

  it('an orphaned claim is stale at once so the next run recovers it', () => {
    const store = new MapStore();
    const key = writeClaim(store, 'a', 10, ['r-1']);
    orphanClaim(store, key, 10, ['r-1']);
    const view = readClaims(store.getAll(), 11);
    expect(view.live).toHaveLength(0);
    expect(view.stale[0].ids).toEqual(['r-1']);
  });
});

class MemoryTriggers implements TriggerPort {
  list_: TriggerInfo[] = [];
  private next = 1;
  list = () => [...this.list_];
  createEdit = (handler: string) =>
    void this.list_.push({ id: `t${this.next++}`, handler, kind: 'edit' });
  createClock = (handler: string) =>
    void this.list_.push({ id: `t${this.next++}`, handler, kind: 'clock' });
  remove = (id: string) => void (this.list_ = this.list_.filter(t => t.id !== id));
  webAppUrl = () => null;
}

describe('ensureTriggers', () => {
  it('leaves exactly one edit and one clock trigger, however often it runs', () => {
    const triggers = new MemoryTriggers();
    ensureTriggers(triggers);
    ensureTriggers(triggers);
    expect(
      triggers
        .list()
        .map(t => `${t.kind}:${t.handler}`)
        .sort()
    ).toEqual(['clock:runBackgroundWork', 'edit:handleEdit']);
  });

  it('replaces duplicates and stale handlers of older versions', () => {
    const triggers = new MemoryTriggers();
    triggers.createEdit('handleEdit');
    triggers.createEdit('handleEdit');
    triggers.createClock('runBackfill');
    const summary = ensureTriggers(triggers);
    expect(summary.removed).toBe(2);
    expect(triggers.list()).toHaveLength(2);
  });
});
