// The fake's worker-thread entry: builds the server from the configuration it was handed,
// listens, and reports the URL (or the failure) to the thread that started it. Stopping is
// a message too, so open connections are closed before the worker goes away.

import { parentPort, workerData } from 'node:worker_threads';
import type { FakeAmoConfig } from '../types';
import { createFakeServer } from './http-server';

interface WorkerInput {
  config: FakeAmoConfig;
  port: number;
  host: string;
}

export type WorkerMessage =
  { type: 'listening'; url: string } | { type: 'failed'; message: string } | { type: 'stopped' };

async function main(): Promise<void> {
  const input = workerData as WorkerInput;
  const fake = createFakeServer(input.config);
  const post = (message: WorkerMessage) => parentPort?.postMessage(message);
  parentPort?.on('message', (message: { type: string }) => {
    if (message.type === 'stop') void fake.close().then(() => post({ type: 'stopped' }));
  });
  try {
    post({ type: 'listening', url: await fake.listen(input.port, input.host) });
  } catch (error) {
    post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
}

void main();
