// Synchronous HTTP for UrlFetchApp: the main thread hands a batch to the fetch worker and
// blocks in Atomics.wait until the worker flags the answer, exactly as Apps Script blocks the
// script during a fetch. The worker is started on first use, unref'd so it never keeps the
// process alive, and restarted if it dies. While the main thread waits nothing else runs on it:
// a server the script calls must live in another thread or process.

import {
  MessageChannel,
  Worker,
  receiveMessageOnPort,
  type MessagePort,
} from 'node:worker_threads';
import { FETCH_WORKER_SOURCE } from './fetch-worker-source';

export interface WireRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: Uint8Array | null;
  followRedirects: boolean;
  validateCerts: boolean;
}

export type TransportFailure = 'dns' | 'unreachable' | 'timeout' | 'unexpected' | 'invalid';

export type WireResult =
  | { ok: true; status: number; rawHeaders: string[]; body: Uint8Array; url: string }
  | { ok: false; kind: TransportFailure; detail: string };

/** Extra real time the main thread waits beyond the request timeout before giving up on the worker. */
const WORKER_GRACE_MS = 5000;

export class HttpClient {
  private worker: Worker | null = null;
  private port: MessagePort | null = null;
  private seq = 0;

  constructor(private readonly timeoutMs: number) {}

  /** Sends the requests concurrently and returns their results in order. Blocks. */
  sendAll(requests: WireRequest[]): WireResult[] {
    const port = this.start();
    this.seq += 1;
    const id = this.seq;
    const signal = new Int32Array(new SharedArrayBuffer(4));
    port.postMessage({ id, requests, timeoutMs: this.timeoutMs, signal: signal.buffer });
    Atomics.wait(signal, 0, 0, this.timeoutMs + WORKER_GRACE_MS);
    for (let msg = receiveMessageOnPort(port); msg; msg = receiveMessageOnPort(port)) {
      const answer = msg.message as { id: number; results: WireResult[] };
      if (answer.id === id) return answer.results;
    }
    return requests.map(() => ({
      ok: false,
      kind: 'timeout',
      detail: 'no answer from the fetch worker',
    }));
  }

  /** Stops the worker (a later request starts a new one). */
  async dispose(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.port?.close();
    this.port = null;
    if (worker) await worker.terminate();
  }

  private start(): MessagePort {
    if (this.worker && this.port) return this.port;
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(FETCH_WORKER_SOURCE, {
      eval: true,
      workerData: { port: port2 },
      transferList: [port2],
    });
    worker.unref();
    worker.on('error', () => this.forget(worker));
    worker.on('exit', () => this.forget(worker));
    port1.unref();
    this.worker = worker;
    this.port = port1;
    return port1;
  }

  private forget(worker: Worker): void {
    if (this.worker !== worker) return;
    this.worker = null;
    this.port?.close();
    this.port = null;
  }
}
