// LockService over a lock table shared by all executions of one runtime. Only one execution
// runs at a time here, so a lock held by someone else (a blocked outer execution, or "another
// process" simulated with `runtime.locks.holdScriptLock()`) can never be released while we
// wait: tryLock(ms) therefore spends its whole timeout on the virtual clock and fails, and
// waitLock(ms) throws Apps Script's lock-timeout error. Locks die with their execution.

import { GasException } from './errors';
import type { Execution } from './execution';

export type LockKind = 'script' | 'user' | 'document';

/** The holder id used for a lock held by a simulated other process. */
export const EXTERNAL_HOLDER = 'external';
const LOCK_TIMEOUT_MESSAGE = 'Lock timeout: another process was holding the lock for too long.';

export class LockTable {
  private readonly holders: Record<LockKind, string | null> = {
    script: null,
    user: null,
    document: null,
  };

  /** Who holds the lock: an execution id, `external`, or null. */
  holder(kind: LockKind = 'script'): string | null {
    return this.holders[kind];
  }

  tryAcquire(kind: LockKind, holder: string): boolean {
    const current = this.holders[kind];
    if (current !== null && current !== holder) return false;
    this.holders[kind] = holder;
    return true;
  }

  release(kind: LockKind, holder: string): void {
    if (this.holders[kind] === holder) this.holders[kind] = null;
  }

  /** Releases every lock an execution holds (it ended). */
  releaseAll(holder: string): void {
    for (const kind of Object.keys(this.holders) as LockKind[]) this.release(kind, holder);
  }

  /** Test control: "another execution" takes the script lock (fails if someone holds it). */
  holdScriptLock(): void {
    if (!this.tryAcquire('script', EXTERNAL_HOLDER)) {
      throw new Error(`The script lock is held by execution ${this.holders.script}`);
    }
  }

  /** Nobody holds any lock (a runtime reset). */
  clear(): void {
    for (const kind of Object.keys(this.holders) as LockKind[]) this.holders[kind] = null;
  }

  /** Test control: the simulated other execution lets go of every lock it holds. */
  releaseHeld(): void {
    this.releaseAll(EXTERNAL_HOLDER);
  }
}

export function createLockService(exec: Execution): object {
  return exec.object('LockService', {
    getScriptLock: () => lockObject(exec, 'script'),
    getUserLock: () => lockObject(exec, 'user'),
    // A web app has no document context: the platform returns null there.
    getDocumentLock: () => (exec.isWebApp ? null : lockObject(exec, 'document')),
  });
}

function lockObject(exec: Execution, kind: LockKind): object {
  return exec.memoize(`lock:${kind}`, () => {
    const { locks, clock } = exec.state;
    const acquire = (timeout: unknown): boolean => {
      if (locks.tryAcquire(kind, exec.id)) return true;
      clock.advance(Math.max(0, Number(timeout) || 0));
      return false;
    };
    return exec.object('Lock', {
      tryLock: timeout => acquire(timeout),
      waitLock: timeout => {
        if (!acquire(timeout)) throw new GasException(LOCK_TIMEOUT_MESSAGE);
      },
      hasLock: () => locks.holder(kind) === exec.id,
      releaseLock: () => locks.release(kind, exec.id),
    });
  });
}
