// Starts the fake off the caller's thread. The local Apps Script runtime blocks its main
// thread in Atomics.wait during every UrlFetchApp call, so a server on that thread could
// never answer. The server entry is bundled with esbuild at start (no build step, works
// under jest and tsx alike) and evaluated in a worker thread.

import { buildSync } from 'esbuild';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { FakeAmoAdmin } from './admin-client';
import { defaultConfig, mergeConfig } from './core/default-data';
import type { WorkerMessage } from './server/worker-entry';
import type { FakeAmoConfigPatch } from './types';

export interface FakeAmoOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Applied on top of the defaults; `admin.reset()` returns to exactly this. */
  config?: FakeAmoConfigPatch;
  /** By default the worker does not keep the process alive on its own. */
  keepProcessAlive?: boolean;
}

export interface FakeAmoHandle {
  /** `http://127.0.0.1:PORT`: the account's base URL (AMO_BASE_URL). */
  url: string;
  admin: FakeAmoAdmin;
  stop(): Promise<void>;
}

const STOP_TIMEOUT_MS = 2000;
let workerSource: string | null = null;

/** The worker entry bundled once per process. */
function bundledWorker(): string {
  if (workerSource === null) {
    // tsx in ESM mode has no __dirname; the repo root is then the working directory.
    const here = typeof __dirname === 'string' ? __dirname : path.resolve('sandbox/amo-fake');
    const result = buildSync({
      entryPoints: [path.join(here, 'server', 'worker-entry.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      write: false,
      logLevel: 'silent',
    });
    workerSource = result.outputFiles[0].text;
  }
  return workerSource;
}

export async function startFakeAmo(options: FakeAmoOptions = {}): Promise<FakeAmoHandle> {
  const config = mergeConfig(defaultConfig(), options.config ?? {});
  const workerData = { config, port: options.port ?? 0, host: options.host ?? '127.0.0.1' };
  const worker = new Worker(bundledWorker(), { eval: true, workerData });
  if (!options.keepProcessAlive) worker.unref();
  const url = await waitForListening(worker);
  return { url, admin: new FakeAmoAdmin(url), stop: () => stopWorker(worker) };
}

function waitForListening(worker: Worker): Promise<string> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: WorkerMessage) => {
      if (message.type === 'listening') resolve(message.url);
      if (message.type === 'failed') reject(new Error(`fake AmoCRM failed: ${message.message}`));
      if (message.type !== 'stopped') worker.off('message', onMessage);
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
    worker.once('exit', code => reject(new Error(`fake AmoCRM worker exited with ${code}`)));
  });
}

async function stopWorker(worker: Worker): Promise<void> {
  await new Promise<void>(resolve => {
    const timer = setTimeout(resolve, STOP_TIMEOUT_MS);
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'stopped') {
        clearTimeout(timer);
        resolve();
      }
    });
    worker.postMessage({ type: 'stop' });
  });
  await worker.terminate();
}
