// Which Chromium the browser tests drive. On Linux x64 it is the one inside the @sparticuz/chromium
// devDependency (a brotli-packed headless shell), so `npm ci && npm test` needs no apt and no
// browser download: it is unpacked once from node_modules, without network, into
// node_modules/.cache. Elsewhere (macOS, arm64) a system Chrome or Chromium. CHROMIUM_PATH
// overrides both.
import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

export interface ChromiumFound {
  executablePath: string;
  /** Where it came from, for error messages. */
  source: string;
  /** Extra environment for the browser process (the bundled fonts). */
  env: Record<string, string>;
}

const SYSTEM_BROWSERS = [
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
];

/** CHROMIUM_PATH, else the bundled Chromium, else the first system browser found; or throws. */
export async function findChromium(
  env: NodeJS.ProcessEnv = process.env,
  system: readonly string[] = SYSTEM_BROWSERS
): Promise<ChromiumFound> {
  const chosen = env.CHROMIUM_PATH;
  if (chosen) {
    if (existsSync(chosen)) return { executablePath: chosen, source: 'CHROMIUM_PATH', env: {} };
    throw new Error(`CHROMIUM_PATH is ${chosen}, which does not exist.`);
  }
  const bundled = await bundledChromium();
  if (bundled) return bundled;
  const installed = system.find(path => existsSync(path));
  if (installed) return { executablePath: installed, source: 'the system', env: {} };
  throw new Error(
    'No Chromium for the browser tests: the bundled one (@sparticuz/chromium) runs on Linux x64 ' +
      `only, and none of ${system.join(', ')} exists. Install Chrome or Chromium, or set ` +
      'CHROMIUM_PATH to its executable.'
  );
}

/** The @sparticuz/chromium browser, unpacked (once per version); undefined off Linux x64. */
async function bundledChromium(): Promise<ChromiumFound | undefined> {
  if (process.platform !== 'linux' || process.arch !== 'x64') return undefined;
  const entry = resolveBundle();
  if (!entry) return undefined;
  const pkgDir = join(dirname(entry), '..', '..');
  const { version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  const dir = join(pkgDir, '..', '..', '.cache', `sparticuz-chromium-${version}`);
  if (!existsSync(dir)) await unpack(entry, dir);
  return {
    executablePath: join(dir, 'chromium'),
    source: `@sparticuz/chromium ${version}, unpacked in ${dir}`,
    env: { FONTCONFIG_FILE: join(dir, 'fonts.conf') },
  };
}

function resolveBundle(): string | undefined {
  try {
    return require.resolve('@sparticuz/chromium');
  } catch {
    return undefined;
  }
}

/**
 * The package unpacks into os.tmpdir() (/tmp/chromium, shared by every checkout and version), so
 * it runs in a child whose TMPDIR is a private staging folder, renamed into place when complete:
 * a second test process never sees a half-written browser.
 */
async function unpack(entry: string, dir: string): Promise<void> {
  mkdirSync(dirname(dir), { recursive: true });
  const staging = mkdtempSync(`${dir}.partial-`);
  try {
    const script =
      'require(process.argv[1]).executablePath().then(p => process.stdout.write(p))' +
      '.catch(e => { console.error(e); process.exit(1); })';
    await promisify(execFile)(process.execPath, ['-e', script, entry], {
      env: { ...process.env, TMPDIR: staging },
    });
    writeFileSync(join(staging, 'fonts.conf'), fontsConf(dir));
    try {
      renameSync(staging, dir);
    } catch (e) {
      if (!existsSync(dir)) throw e; // else another process finished first
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** The system's fonts when there are any, plus the package's Open Sans (Latin and Cyrillic). */
function fontsConf(dir: string): string {
  return [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
    '<fontconfig>',
    '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>',
    `  <dir>${join(dir, 'fonts')}</dir>`,
    `  <cachedir>${join(dir, 'fonts-cache')}</cachedir>`,
    '</fontconfig>',
    '',
  ].join('\n');
}
