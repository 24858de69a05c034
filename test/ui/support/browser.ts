// Headless Chromium driven by playwright-core for the dialog's browser tests (findChromium says
// which one). Each launch gets a fresh user-data directory; screenshots go to the git-ignored
// test-output/screenshots/.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { findChromium } from './chromium';

export const SCREENSHOTS = join(__dirname, '..', '..', '..', 'test-output', 'screenshots');

/**
 * Not @sparticuz/chromium's own `args`: those are for AWS Lambda (--single-process to dodge a
 * prctl error there, --disable-web-security, SwiftShader WebGL), and would make the page behave
 * unlike a browser's. These work for its headless shell and a system Chrome alike, and keep the
 * browser off the network: it only ever shows pages given with setContent.
 */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Launches Chromium (by default the one findChromium finds); throws, saying why, when it cannot. */
export async function launchChromium(executablePath?: string): Promise<Browser> {
  const found = executablePath
    ? await findChromium({ CHROMIUM_PATH: executablePath })
    : await findChromium();
  const profile = mkdtempSync(join(tmpdir(), 'settings-dialog-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: found.executablePath,
      env: { ...process.env, ...found.env },
      headless: true,
      args: ARGS,
      viewport: { width: 520, height: 640 },
    });
    return {
      context,
      async close() {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (e) {
    rmSync(profile, { recursive: true, force: true });
    throw new Error(launchFailure(found.executablePath, found.source, e));
  }
}

/** The path to save a screenshot called `name`, its folder made. */
export function screenshotPath(name: string): string {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return join(SCREENSHOTS, name);
}

function launchFailure(path: string, source: string, e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const missingLibrary = /error while loading shared libraries: (\S+?):/.exec(message);
  const library = missingLibrary?.[1];
  const hint = library
    ? ` It needs the system library ${library}` +
      (/nss|nspr|plc4|plds4/.test(library) ? ' (Debian and Ubuntu: the package libnss3)' : '') +
      ', or set CHROMIUM_PATH to an installed Chrome or Chromium.'
    : '';
  return `Chromium at ${path} (from ${source}) did not start.${hint}\n${message}`;
}
