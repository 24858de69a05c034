// StagedStore: reads see staged writes over the real store, and nothing reaches the real store
// before commit, which then writes only what changed, in one setAll.
import { StagedStore } from '../../src/ui/staged-store';
import { MemoryStore } from './support/memory-ports';

describe('StagedStore', () => {
  it('reads staged values and deletions over the real store without writing to it', () => {
    const base = new MemoryStore({ A: '1', B: '2' });
    const staged = new StagedStore(base);
    staged.set('A', '10');
    staged.delete('B');
    staged.setAll({ C: '3' });
    expect([staged.get('A'), staged.get('B'), staged.get('C')]).toEqual(['10', null, '3']);
    expect(staged.getAll()).toEqual({ A: '10', C: '3' });
    expect(base.writes).toEqual([]);
  });

  it('commits the changed values in one setAll, then the deletions', () => {
    const base = new MemoryStore({ A: '1', B: '2', D: '4' });
    const staged = new StagedStore(base);
    staged.setAll({ A: '1', B: '20', C: '3' });
    staged.delete('D');
    staged.delete('missing');
    expect(staged.changedKeys()).toEqual(['B', 'C', 'D']);
    staged.commit();
    expect(base.writes).toEqual(['setAll B,C', 'delete D']);
    expect(base.getAll()).toEqual({ A: '1', B: '20', C: '3' });
  });

  it('a value set after a delete is written, not deleted', () => {
    const base = new MemoryStore({ A: '1' });
    const staged = new StagedStore(base);
    staged.delete('A');
    staged.set('A', '2');
    staged.commit();
    expect(base.writes).toEqual(['setAll A']);
  });
});
