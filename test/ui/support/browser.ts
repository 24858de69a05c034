// Debian's Chromium driven by playwright-core, for the dialog's browser tests: no browser is
// downloaded, and a missing /usr/bin/chromium fails the tests with a message that says how to
// install it (CI installs it in .ci/run). Each launch gets a fresh user-data directory.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

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

/** Launches Chromium; throws (so every test fails) when it is not installed. */
export async function launchChromium(executablePath = CHROMIUM): Promise<Browser> {
  if (!existsSync(executablePath)) {
    throw new Error(
      `The settings dialog's browser tests need Debian's Chromium at ${executablePath}, which does ` +
        'not exist: install it with `apt-get update && apt-get install -y chromium` (.ci/run does).'
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'settings-dialog-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
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
}
