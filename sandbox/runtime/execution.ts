// One run of one global function: its realm, counters, log lines and kill state, and the
// membrane through which every service object is handed to the script. Each service method is
// wrapped so that it first checks the execution may go on (not killed, within the time limit),
// then returns realm values, and turns any host error into an error of the script's realm.
// Unknown members of a service object throw `<Class>.<member> is not implemented in the local
// runtime` instead of being `undefined`.

import { GasException, KillSignal, NotImplementedError } from './errors';
import { Realm, type MemberInfo } from './realm';
import type { GridRect } from './a1-notation';
import type { Cell, SheetModel } from './sheet-model';
import type { BoundaryFault, BoundaryInfo, BoundaryService, RuntimeState } from './state';

export type ExecutionKind = 'manual' | 'edit' | 'change' | 'open' | 'time' | 'web';
export type AuthMode = 'FULL' | 'LIMITED';

export interface Counters {
  httpRequests: number;
  /** Requests by `METHOD /path` (no query string). */
  httpByEndpoint: Record<string, number>;
  fetchAllBatches: number;
  /** Calls that reach the Sheets backend (see README, "Counting rules"). */
  spreadsheetCalls: number;
  spreadsheetWrites: number;
  /** Cells whose content a Spreadsheet call returned (values, formulas, notes, formats…). */
  cellsRead: number;
  /** Cells a Spreadsheet call wrote (values, formulas, notes, formats, cleared cells). */
  cellsWritten: number;
  /** Cells a TextFinder call looked through on the backend (their content is not returned). */
  cellsSearched: number;
  propertiesCalls: number;
  cacheCalls: number;
  /** Virtual time the execution took, nested executions included (it is wall time). */
  virtualMs: number;
  sleepMs: number;
}

export interface LogEntry {
  level: 'log' | 'info' | 'warn' | 'error' | 'debug';
  source: 'Logger' | 'console';
  message: string;
  /** Virtual time of the call. */
  at: number;
}

/** What a test hook sees of a running execution. */
export interface ExecutionView {
  readonly id: string;
  readonly fnName: string;
  readonly kind: ExecutionKind;
  readonly startedAt: number;
  readonly counters: Counters;
  readonly logs: readonly LogEntry[];
  elapsedMs(): number;
  /** Kills the execution once the current service call returns control to it. */
  kill(reason: string): void;
}

export type Method = (...args: unknown[]) => unknown;

export interface ObjectExtras {
  /** The host record behind the object, readable with `hostOf`. */
  host?: unknown;
  /** Constant members (enums such as `ContentService.MimeType`), returned as they are. */
  props?: Record<string, unknown>;
  /** Where properties the script assigns are kept (HtmlTemplate reads its variables here). */
  assigned?: Map<string, unknown>;
}
export type MethodTable = Record<string, Method>;

/** Names probed by JS machinery (await, JSON, jest) that must not throw "not implemented". */
const SILENT_MEMBERS = new Set(['then', 'toJSON', 'asymmetricMatch', '$$typeof', 'nodeType']);
/**
 * Service calls that are boundaries by themselves (every call of these classes reaches the
 * backend). Spreadsheet calls are boundaries when they are counted (`sheetCall`), UrlFetchApp
 * calls in url-fetch-service.ts (before sending and after the answers).
 */
const BOUNDARY_CLASSES: Record<string, BoundaryService> = {
  Properties: 'Properties',
  Cache: 'Cache',
  Lock: 'Lock',
};
export const KILL_BOUNDARY_REASON = 'Execution killed at a boundary by the atBoundary hook';

const OBJECT_PROTO_MEMBERS = new Set(['valueOf', 'hasOwnProperty', 'isPrototypeOf', 'constructor']);

/** The cells one Spreadsheet call touches, by kind. */
export interface SheetCells {
  /** A Range read: the cells it returns (the explorer's people know what a run saw). */
  range?: GridRect;
  read?: number;
  written?: number;
  searched?: number;
}

export function emptyCounters(): Counters {
  return {
    httpRequests: 0,
    httpByEndpoint: {},
    fetchAllBatches: 0,
    spreadsheetCalls: 0,
    spreadsheetWrites: 0,
    cellsRead: 0,
    cellsWritten: 0,
    cellsSearched: 0,
    propertiesCalls: 0,
    cacheCalls: 0,
    virtualMs: 0,
    sleepMs: 0,
  };
}

export interface ExecutionInit {
  id: string;
  fnName: string;
  kind: ExecutionKind;
  authMode: AuthMode;
}

export class Execution implements ExecutionView {
  readonly id: string;
  readonly fnName: string;
  readonly kind: ExecutionKind;
  readonly authMode: AuthMode;
  readonly startedAt: number;
  readonly realm: Realm;
  readonly counters = emptyCounters();
  readonly logs: LogEntry[] = [];
  killReason: string | null = null;
  /** An error a test hook threw during this execution; run() rethrows it to the test. */
  hookFailure: { error: unknown } | null = null;
  /** A kill requested from outside (a hook); applied at the next check. */
  private pendingKill: string | null = null;
  private readonly memo = new Map<string, unknown>();
  /** Per-cell cost not yet charged to the clock (under a millisecond), in microseconds. */
  private cellCostUs = 0;
  /** The service member being called (`Range.setValues`), named in boundary hooks. */
  private member = '';
  /** Cells written since the last flush or read, with what they held (a failed flush undoes). */
  private unflushed: Array<{ sheet: SheetModel; row: number; column: number; before: Cell }> = [];

  constructor(
    readonly state: RuntimeState,
    init: ExecutionInit
  ) {
    this.id = init.id;
    this.fnName = init.fnName;
    this.kind = init.kind;
    this.authMode = init.authMode;
    this.startedAt = state.clock.now();
    this.realm = new Realm(() => state.clock.now());
  }

  get isWebApp(): boolean {
    return this.kind === 'web';
  }

  elapsedMs(): number {
    return this.state.clock.now() - this.startedAt;
  }

  /** Runs before every service call: a killed or overdue execution may do nothing more. */
  enterCall(): void {
    if (this.killReason !== null) throw new KillSignal(this.killReason);
    if (this.pendingKill !== null) this.killNow(this.pendingKill);
    if (this.elapsedMs() > this.state.options.maxExecutionMs) {
      this.killNow('Exceeded maximum execution time');
    }
  }

  /** Marks the execution killed and throws the kill error at the current call. */
  killNow(reason: string): never {
    if (this.killReason === null) this.killReason = reason;
    throw new KillSignal(this.killReason);
  }

  kill(reason: string): void {
    if (this.killReason === null && this.pendingKill === null) this.pendingKill = reason;
  }

  /** Applies a kill a hook asked for during the current call. */
  applyPendingKill(): void {
    if (this.pendingKill !== null) this.killNow(this.pendingKill);
  }

  /**
   * The boundary hook at this execution's current service call: the test may act, run another
   * execution, or answer with a fault. A kill or a `throw` fault ends the call here; a
   * fetch-specific fault (`respond`, `lose`) is returned for the caller to apply.
   */
  boundary(
    service: BoundaryService,
    phase: BoundaryInfo['phase'],
    extra: Pick<BoundaryInfo, 'write' | 'sheet' | 'requests' | 'responses'> = {}
  ): BoundaryFault | undefined {
    const hook = this.state.hooks.atBoundary;
    if (!hook) return undefined;
    let verdict: void | BoundaryFault;
    try {
      verdict = hook({
        execution: this,
        service,
        method: this.member,
        phase,
        depth: this.state.depth(),
        ...extra,
      });
    } catch (error) {
      // A failed assertion (or a nested run's failure) must reach the test, not the script.
      this.hookFailure ??= { error };
      this.killNow(
        `atBoundary hook threw: ${error instanceof Error ? error.message : String(error)}`
      );
    }
    if (verdict?.fault === 'kill') this.killNow(verdict.reason ?? KILL_BOUNDARY_REASON);
    this.applyPendingKill();
    if (verdict?.fault === 'throw') {
      if (verdict.loseWrites) this.loseUnflushedWrites();
      throw new GasException(verdict.message);
    }
    return verdict ?? undefined;
  }

  /**
   * Counts one call that reaches the Sheets backend and charges its virtual cost: a fixed
   * cost per call plus a cost per cell it reads, writes or searches (see README, "Virtual
   * clock and counting rules").
   */
  sheetCall(write: boolean, sheet?: string, cells: SheetCells = {}): void {
    this.boundary('Spreadsheet', 'before', {
      write,
      ...(sheet === undefined ? {} : { sheet }),
      ...(cells.range ? { range: cells.range } : {}),
    });
    // A read or a flush applies the writes Apps Script had buffered.
    if (!write) this.unflushed.length = 0;
    this.counters.spreadsheetCalls += 1;
    if (write) this.counters.spreadsheetWrites += 1;
    const read = cells.read ?? 0;
    const written = cells.written ?? 0;
    const searched = cells.searched ?? 0;
    this.counters.cellsRead += read;
    this.counters.cellsWritten += written;
    this.counters.cellsSearched += searched;
    // Fractions of a millisecond add up across calls instead of being rounded away per call.
    this.cellCostUs += (read + written + searched) * this.state.options.sheetCellUs;
    const cellMs = Math.floor(this.cellCostUs / 1000);
    this.cellCostUs -= cellMs * 1000;
    this.state.clock.advance(this.state.options.sheetCallMs + cellMs);
  }

  /** Remembers what a Range write is about to overwrite (see loseUnflushedWrites). */
  journal(sheet: SheetModel, rect: GridRect): void {
    for (let r = rect.row; r < rect.row + rect.numRows; r++) {
      for (let c = rect.column; c < rect.column + rect.numColumns; c++) {
        const cell = sheet.cell(r, c);
        const before: Cell = cell
          ? { ...cell, style: cell.style && { ...cell.style } }
          : { value: '' };
        this.unflushed.push({ sheet, row: r, column: c, before });
      }
    }
  }

  /**
   * Undoes the Range writes made since the last flush or read, newest first, at the same
   * coordinates (rows a person moved meanwhile are not followed).
   */
  private loseUnflushedWrites(): void {
    for (const entry of this.unflushed.reverse()) {
      const cell = entry.sheet.cellFor(entry.row, entry.column) as unknown as Record<
        string,
        unknown
      >;
      for (const key of Object.keys(cell)) delete cell[key];
      Object.assign(cell, entry.before);
    }
    this.unflushed = [];
  }

  log(level: LogEntry['level'], source: LogEntry['source'], message: string): void {
    this.logs.push({ level, source, message, at: this.state.clock.now() });
    if (this.state.options.echoLogs) process.stdout.write(`[${this.fnName}] ${message}\n`);
  }

  /** One value per execution and key (service singletons, enums, per-sheet objects). */
  memoize<T>(key: string, make: () => T): T {
    if (!this.memo.has(key)) this.memo.set(key, make());
    return this.memo.get(key) as T;
  }

  /**
   * A service object for the script: a Proxy whose known members are guarded methods and whose
   * unknown members throw "not implemented". Properties the script assigns are kept (HtmlTemplate
   * relies on that).
   */
  object(className: string, methods: MethodTable, extra: ObjectExtras = {}): object {
    const wrapped = new Map<string, Method>();
    const assigned = extra.assigned ?? new Map<string, unknown>();
    const target = this.realm.newObject();
    const proto = this.realm.intrinsics.Object.prototype as unknown as Record<string, unknown>;
    const toString = (): string => className;
    const proxy = new Proxy(target, {
      get: (_t, prop) => {
        if (typeof prop === 'symbol') return prop === Symbol.toStringTag ? className : undefined;
        if (assigned.has(prop)) return assigned.get(prop);
        if (extra.props && Object.prototype.hasOwnProperty.call(extra.props, prop)) {
          return extra.props[prop];
        }
        if (Object.prototype.hasOwnProperty.call(methods, prop)) {
          return wrapped.get(prop) ?? this.wrapMethod(wrapped, className, prop, methods[prop]);
        }
        if (prop === 'toString') return toString;
        if (OBJECT_PROTO_MEMBERS.has(prop)) return proto[prop];
        if (SILENT_MEMBERS.has(prop)) return undefined;
        throw this.toRealmError(new NotImplementedError(className, prop));
      },
      set: (_t, prop, value) => {
        if (typeof prop === 'string') assigned.set(prop, value);
        return true;
      },
      has: (_t, prop) =>
        typeof prop === 'string' &&
        (Object.prototype.hasOwnProperty.call(methods, prop) ||
          assigned.has(prop) ||
          (extra.props !== undefined && Object.prototype.hasOwnProperty.call(extra.props, prop))),
    });
    const info: MemberInfo = { className, host: extra.host };
    this.realm.register(proxy, info);
    return proxy;
  }

  /** The host record a service object was made from (undefined for foreign values). */
  hostOf<T>(value: unknown, className?: string): T | undefined {
    const info = this.realm.infoOf(value);
    if (!info || (className !== undefined && info.className !== className)) return undefined;
    return info.host as T;
  }

  /** Converts any error into one of the script's realm, keeping Apps Script's name. */
  toRealmError(err: unknown): unknown {
    if (this.realm.isRealmError(err)) return err;
    if (err instanceof KillSignal) return this.realm.makeError('Error', err.reason);
    if (err instanceof GasException) return this.realm.makeError('Exception', err.message);
    if (err instanceof Error) {
      const ctor = ['TypeError', 'RangeError', 'SyntaxError'].includes(err.name)
        ? err.name
        : 'Error';
      return this.realm.makeError(err.name, err.message, ctor);
    }
    return err;
  }

  /**
   * An Apps Script enum for this realm: each value is a frozen object whose `toString()` and
   * `name()` give its name, compared by identity as on the platform.
   */
  enumType(typeName: string, names: readonly string[]): Record<string, object> {
    return this.memoize(`enum:${typeName}`, () => {
      const out = this.realm.newObject();
      names.forEach((name, ordinal) => {
        const value = this.realm.newObject();
        const describe = (): string => name;
        for (const [key, fn] of Object.entries({
          toString: describe,
          name: describe,
          toJSON: describe,
          ordinal: () => ordinal,
        })) {
          Object.defineProperty(value, key, { value: fn, enumerable: false });
        }
        out[name] = Object.freeze(value);
      });
      return Object.freeze(out) as Record<string, object>;
    });
  }

  private wrapMethod(
    cache: Map<string, Method>,
    className: string,
    name: string,
    impl: Method
  ): Method {
    const boundary = BOUNDARY_CLASSES[className];
    const fn = (...args: unknown[]): unknown => {
      try {
        this.enterCall();
        this.member = `${className}.${name}`;
        if (boundary) this.boundary(boundary, 'before');
        const result = this.realm.toRealm(impl(...args));
        this.applyPendingKill();
        return result;
      } catch (err) {
        throw this.toRealmError(err);
      }
    };
    Object.defineProperty(fn, 'name', { value: name });
    cache.set(name, fn);
    return fn;
  }
}

/** Throws Apps Script's permission error for a service a simple trigger may not use. */
export function requireFullAuth(exec: Execution, method: string, scope: string): void {
  if (exec.authMode === 'LIMITED') {
    throw new GasException(
      `You do not have permission to call ${method}. Required permissions: ${scope}`
    );
  }
  exec.state.users.check(exec, method, scope);
}
