// Shared by the explorer's tests: one Arena per test file over a private copy of the bundle
// (other runs in the same checkout rebuild dist/ meanwhile), and a readable failure list.
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Arena } from '../../sandbox/explorer';
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
export function lines(failures: Failure[]): string[] {
  return failures.map(f => `${f.invariant}: ${f.detail}`);
}
