// Bundles src/main.ts into dist/Code.js for Apps Script and copies the manifest.
//
// Apps Script only sees top-level function declarations, and evaluates every file in one
// global scope with no module system. esbuild emits an IIFE that assigns the entry file's
// exports to one global object; the small plugin below then appends a real top-level
// `function NAME(...) { return AmoSync.NAME(...) }` for every export, so triggers, menus
// and google.script.run find them by name. (esbuild-gas-plugin does the same from
// `global.X =` statements but pins a second esbuild; this is the few lines it takes.)
import { build } from 'esbuild';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import vm from 'node:vm';

const GLOBAL_NAME = 'AmoSync';
const OUT_DIR = 'dist';
const OUT_FILE = `${OUT_DIR}/Code.js`;

/** Appends one top-level delegating function per export of the entry file. */
const gasGlobals = {
  name: 'gas-globals',
  setup(b) {
    b.onEnd(async result => {
      if (result.errors.length > 0) return;
      // Evaluating the bundle in an empty context lists the entry's exports, and proves
      // that loading it needs no Node or browser global.
      const context = vm.createContext({});
      vm.runInContext(await readFile(OUT_FILE, 'utf8'), context);
      const exports = Object.keys(context[GLOBAL_NAME] ?? {});
      if (exports.length === 0) throw new Error('src/main.ts exports no global functions');
      const stubs = exports
        .map(
          name => `function ${name}() {\n  return ${GLOBAL_NAME}.${name}.apply(this, arguments);\n}`
        )
        .join('\n');
      const code = await readFile(OUT_FILE, 'utf8');
      await writeFile(OUT_FILE, `${code}\n${stubs}\n`);
    });
  },
};

await rm(OUT_DIR, { recursive: true, force: true });
await mkdir(OUT_DIR, { recursive: true });
await build({
  entryPoints: ['src/main.ts'],
  outfile: OUT_FILE,
  bundle: true,
  format: 'iife',
  globalName: GLOBAL_NAME,
  platform: 'neutral',
  mainFields: ['module', 'main'],
  target: 'es2020',
  charset: 'utf8',
  legalComments: 'none',
  sourcemap: false,
  loader: { '.html': 'text' },
  define: { SCRIPT_VERSION: JSON.stringify(process.env.npm_package_version ?? 'dev') },
  logLevel: 'warning',
  plugins: [gasGlobals],
});
await copyFile('appsscript.json', `${OUT_DIR}/appsscript.json`);
