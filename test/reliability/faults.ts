// The faults of the matrix, one line each. A fault is armed before a flow runs and disarmed
// before the recovery paths run (background runs, Sync now). `took` tells whether the fault
// actually hit the flow: a fault on a request the flow never sends makes the cell n/a.
import type { FaultAction } from '../../sandbox/amo-fake';
import type { Flow } from './flows';
import { ANY_AMO_REQUEST } from './flows';
import type { World, WorldOptions } from './kit';

export interface Fault {
  key: string;
  title: string;
  /** Runtime options the fault needs (a short fetch timeout for hangs). */
  world?: WorldOptions;
  /** The flow's executions may be killed (by the fault itself). */
  kills?: boolean;
  arm(w: World, flow: Flow): Promise<void>;
  /** null when the fault hit the flow; else why the cell does not apply. */
  took(w: World, flow: Flow): Promise<string | null>;
  disarm(w: World): Promise<void>;
  /** Runs before every recovery step (e.g. the cache evicted again). */
  beforeStep?(w: World): void;
}

type Aim = {
  times?: number | 'forever';
  nth?: number;
  method?: string;
  /** Default: the flow's target (every AmoCRM request, or the token endpoint). */
  path?: string;
  world?: WorldOptions;
  kills?: boolean;
};

/** A fault the AmoCRM fake injects into matching requests. */
function amo(key: string, title: string, action: FaultAction, aim: Aim = {}): Fault {
  return {
    key,
    title,
    world: aim.world,
    kills: aim.kills,
    async arm(w, flow) {
      await w.fake.admin.inject({
        match: { method: aim.method, path: aim.path ?? flow.target, nth: aim.nth },
        times: aim.times ?? 1,
        action,
      });
    },
    async took(w) {
      const hit = (await w.fake.admin.requests()).some(r => r.fault);
      const what =
        aim.method || aim.path ? `${aim.method ?? ''} ${aim.path ?? ''}`.trim() : 'request';
      return hit ? null : `the flow sends no ${what}`;
    },
    async disarm(w) {
      await w.fake.admin.clearFaults();
    },
  };
}

/** The execution dies right after AmoCRM processed and answered this request. */
function killAfter(method: string, path: string): Fault {
  const key = `kill ${method} ${path.replace('/api/v4/', '')}`;
  return amo(key, `killed right after ${method} ${path}`, 'kill-after', {
    method,
    path,
    kills: true,
  });
}

const SHORT_TIMEOUT: WorldOptions = { runtime: { fetchTimeoutMs: 300 } };
/** The requests that create leads. */
const CREATES: Aim = { method: 'POST', path: '^/api/v4/leads(/complex)?$' };

function lockHeld(): Fault {
  return {
    key: 'lock held',
    title: 'the script lock held by another execution',
    async arm(w) {
      w.rt.locks.holdScriptLock();
    },
    async took() {
      return null;
    },
    async disarm(w) {
      w.rt.locks.releaseHeld();
    },
  };
}

/** Apps Script stops the run at its limit, here after 400 ms of the flow's virtual time. */
function executionLimit(): Fault {
  let saved = 0;
  return {
    key: '6-min limit',
    title: 'the execution killed at the time limit, mid-flow',
    kills: true,
    async arm(w) {
      saved = w.rt.options.maxExecutionMs;
      w.rt.options.maxExecutionMs = 400;
    },
    async took(w) {
      return w.rt.executions.some(r => r.killed) ? null : 'the flow ends before the limit';
    },
    async disarm(w) {
      w.rt.options.maxExecutionMs = saved;
    },
  };
}

function cacheEvicted(): Fault {
  return {
    key: 'cache evicted',
    title: 'CacheService evicts everything, after every request and between steps',
    async arm(w) {
      w.rt.cache.evictAll();
      w.rt.hooks.afterFetch = () => w.rt.cache.evictAll();
    },
    async took() {
      return null;
    },
    async disarm(w) {
      delete w.rt.hooks.afterFetch;
    },
    beforeStep(w) {
      w.rt.cache.evictAll();
    },
  };
}

const STORE_LIMIT = 500 * 1024;
const DUMMY = 'ZZ_OTHER_TOOL_';

/** Another tool's data fills Script Properties to 2 KB below the 500 KB limit. */
function propertiesNearlyFull(free = 2048): Fault {
  return {
    key: 'props ~500 KB',
    title: `Script Properties ${free / 1024} KB short of their 500 KB limit`,
    async arm(w) {
      const store = w.rt.properties.script;
      for (let i = 0; ; i++) {
        const left = STORE_LIMIT - free - store.sizeAfter({});
        if (left <= 0) break;
        const key = `${DUMMY}${i}`;
        store.set(key, 'x'.repeat(Math.min(9 * 1024 - key.length, left - key.length)));
      }
    },
    async took() {
      return null;
    },
    async disarm(w) {
      const store = w.rt.properties.script;
      for (const key of store.keys()) if (key.startsWith(DUMMY)) store.delete(key);
    },
  };
}

/** The control row: no fault at all. */
function none(): Fault {
  return {
    key: 'none',
    title: 'no fault (control)',
    async arm() {},
    async took() {
      return null;
    },
    async disarm() {},
  };
}

/** Adding a fault is one line here. */
// prettier-ignore
export const FAULTS: Fault[] = [
  none(),
  amo('429 ×3', '429 storm with retry_after 1 s, three times', { status: 429, retryAfter: 1 }, { times: 3 }),
  amo('500', 'a 500', { status: 500 }),
  amo('502', 'a 502', { status: 502 }),
  amo('503 run', '503 for the whole run', { status: 503 }, { times: 'forever' }),
  amo('hang', 'a request hangs past the timeout', 'hang', { world: SHORT_TIMEOUT }),
  amo('hang run', 'AmoCRM hangs for the whole run (60 s per timeout)', 'hang', { times: 'forever', world: SHORT_TIMEOUT }),
  amo('hang-after', 'AmoCRM processed the request, its answer never came', 'hang-after', { world: SHORT_TIMEOUT }),
  amo('drop', 'a dropped connection', 'drop'),
  amo('drop-after', 'dropped after AmoCRM processed the request', 'drop-after'),
  amo('500 create', 'a 500 on a create (made or not?)', { status: 500 }, CREATES),
  amo('drop-after create', 'the answer to a create is lost (the lead was made)', 'drop-after', CREATES),
  amo('hang-after create', 'the answer to a create never comes (the lead was made)', 'hang-after', { ...CREATES, world: SHORT_TIMEOUT }),
  amo('502 update', 'a 502 on an update', { status: 502 }, { method: 'PATCH', path: '^/api/v4/(leads|contacts)$' }),
  amo('401', 'a 401 mid-run', { status: 401 }, { nth: 2, path: ANY_AMO_REQUEST }),
  amo('403 run', '403 block for the whole run', { status: 403 }, { times: 'forever' }),
  lockHeld(),
  executionLimit(),
  killAfter('GET', '/api/v4/leads/custom_fields'),
  killAfter('POST', '/api/v4/leads/custom_fields'),
  killAfter('GET', '/api/v4/contacts'),
  killAfter('POST', '/api/v4/leads/complex'),
  killAfter('POST', '/api/v4/leads'),
  killAfter('PATCH', '/api/v4/leads'),
  killAfter('PATCH', '/api/v4/contacts'),
  killAfter('GET', '/api/v4/leads'),
  killAfter('GET', '/api/v4/leads/pipelines'),
  killAfter('GET', '/api/v4/webhooks'),
  killAfter('POST', '/oauth2/access_token'),
  cacheEvicted(),
  propertiesNearlyFull(),
];
