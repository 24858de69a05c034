// Loads the script project: every `*.js` file of the bundle directory, in file-name order,
// compiled once (recompiled when a file changes) and evaluated into each execution's context —
// one global scope, as Apps Script evaluates the files of a project.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';

interface Compiled {
  stamp: string;
  script: vm.Script;
  source: string;
}

export class BundleLoader {
  private readonly cache = new Map<string, Compiled>();

  constructor(readonly dir: string) {}

  /** The project's script files, sorted by name. */
  files(): string[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter(name => name.endsWith('.js'))
      .sort()
      .map(name => join(this.dir, name));
  }

  /** Compiled scripts; throws (a setup error, not a script error) when there are none. */
  scripts(): vm.Script[] {
    const files = this.files();
    if (files.length === 0) {
      throw new Error(`No script files in ${this.dir} (run npm run build, or set bundleDir)`);
    }
    return files.map(file => this.compiled(file).script);
  }

  /** All files' text, for cheap checks such as whether a global function exists. */
  source(): string {
    return this.files()
      .map(file => this.compiled(file).source)
      .join('\n');
  }

  private compiled(file: string): Compiled {
    const stat = statSync(file);
    const stamp = `${stat.mtimeMs}:${stat.size}`;
    const hit = this.cache.get(file);
    if (hit && hit.stamp === stamp) return hit;
    const source = readFileSync(file, 'utf8');
    const entry = { stamp, source, script: new vm.Script(source, { filename: file }) };
    this.cache.set(file, entry);
    return entry;
  }
}
