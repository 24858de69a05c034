// Shared by the explorer's tests: one Arena per test file over a private copy of the bundle
// (other runs in the same checkout rebuild dist/ meanwhile), and a readable failure list.
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Arena, Stage } from '../../sandbox/explorer';
import type { Failure } from '../../sandbox/explorer';

export function bundleCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'explorer-bundle-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const source = join(process.cwd(), 'dist');
  for (const f of readdirSync(source)) copyFileSync(join(source, f), join(dir, f));
  return dir;
}

export function startArena(): Promise<Arena> {
  return Arena.start(bundleCopy());
}

/** Failures as lines, for `toEqual([])` messages a person can read. */
/** A contact's phones or emails as AmoCRM holds them (none when it is gone). */
export function contactValues(arena: Arena, contactId: unknown, code: 'PHONE' | 'EMAIL'): string[] {
  const contact = arena.admin.contact(Number(contactId));
  return (contact?.custom_fields_values ?? [])
    .filter(f => f.field_code === code)
    .flatMap(f => f.values.map(v => String(v.value)));
}

export function lines(failures: Failure[]): string[] {
  return failures.map(f => `${f.invariant}: ${f.detail}`);
}

/**
 * One arena for the file and a fresh stage before each test: `world.arena` and `world.stage`
 * are read inside the tests (they are set by the hooks).
 */
export function stagedWorld(): { arena: Arena; stage: Stage } {
  const world = {} as { arena: Arena; stage: Stage };
  beforeAll(async () => {
    world.arena = await startArena();
  });
  afterAll(() => world.arena.stop());
  beforeEach(() => {
    world.stage = new Stage(world.arena).reset();
  });
  return world;
}
