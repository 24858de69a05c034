// One script execution's JavaScript realm: a fresh `vm` context holding only the ECMAScript
// built-ins, with `Date` re-pointed at the virtual clock, plus the helpers that move values
// across the realm border. Values the services hand to the script are rebuilt from the realm's
// own constructors (so `instanceof Array/Date/Error` holds inside the bundle), and values a test
// reads back are cloned into the host realm (so jest's equality and printing work).

import vm from 'node:vm';
import { types } from 'node:util';

/** Constructors and helpers taken from the realm before any script code runs. */
interface Intrinsics {
  Array: ArrayConstructor;
  Object: ObjectConstructor;
  Date: DateConstructor;
  Error: ErrorConstructor;
  Function: FunctionConstructor;
  makeError(name: string, message: string, ctor: string): Error;
}

/** What the membrane knows of a service object living in this realm. */
export interface MemberInfo {
  className: string;
  /** The host-side record behind the object (a trigger, a TextOutput…), for services and tests. */
  host?: unknown;
}

// Runs once per context. It must leave no new globals behind: it only replaces `Date`.
const BOOTSTRAP = `(function (hostNow) {
  'use strict';
  var RealDate = Date;
  var slice = Array.prototype.slice;
  var VDate = function Date(year, month, day, hours, minutes, seconds, ms) {
    if (new.target === undefined) return new RealDate(hostNow()).toString();
    var args = slice.call(arguments);
    if (args.length === 0) args = [hostNow()];
    return Reflect.construct(RealDate, args, new.target);
  };
  VDate.prototype = RealDate.prototype;
  var hidden = function (obj, name, value) {
    Object.defineProperty(obj, name, { value: value, writable: true, configurable: true, enumerable: false });
  };
  hidden(RealDate.prototype, 'constructor', VDate);
  hidden(VDate, 'now', function now() { return hostNow(); });
  hidden(VDate, 'parse', RealDate.parse);
  hidden(VDate, 'UTC', RealDate.UTC);
  hidden(globalThis, 'Date', VDate);
  var ctors = { Error: Error, TypeError: TypeError, RangeError: RangeError, SyntaxError: SyntaxError };
  var makeError = function (name, message, ctor) {
    var C = ctors[ctor] || Error;
    var e = new C(message);
    if (e.name !== name) hidden(e, 'name', name);
    var stack = String(e.stack);
    var nl = stack.indexOf('\\n');
    e.stack = name + ': ' + message + (nl >= 0 ? stack.slice(nl) : '');
    return e;
  };
  return { Array: Array, Object: Object, Date: VDate, Error: Error, Function: Function, makeError: makeError };
})`;

export class Realm {
  readonly context: vm.Context;
  readonly intrinsics: Intrinsics;
  private readonly members = new WeakMap<object, MemberInfo>();

  constructor(now: () => number) {
    // afterEvaluate: promise jobs queued by the script run before the entry call returns.
    this.context = vm.createContext(
      {},
      { codeGeneration: { strings: true, wasm: false }, microtaskMode: 'afterEvaluate' }
    );
    const boot = vm.runInContext(BOOTSTRAP, this.context, { filename: 'local-runtime-bootstrap' });
    this.intrinsics = (boot as (n: () => number) => Intrinsics)(now);
  }

  /** Installs an Apps Script global (non-enumerable, like the platform's). */
  defineGlobal(name: string, value: unknown): void {
    Object.defineProperty(this.context, name, {
      value,
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }

  register(member: object, info: MemberInfo): void {
    this.members.set(member, info);
  }

  infoOf(value: unknown): MemberInfo | undefined {
    return isObjectLike(value) ? this.members.get(value) : undefined;
  }

  makeError(name: string, message: string, ctor = 'Error'): Error {
    return this.intrinsics.makeError(name, message, ctor);
  }

  isRealmError(value: unknown): boolean {
    return value instanceof this.intrinsics.Error;
  }

  newArray<T>(items: readonly T[] = []): T[] {
    const out = new this.intrinsics.Array<T>();
    for (const item of items) out.push(item);
    return out;
  }

  newObject(): Record<string, unknown> {
    return new this.intrinsics.Object() as Record<string, unknown>;
  }

  /** Rebuilds a host value out of the realm's own constructors (deeply). */
  toRealm(value: unknown): unknown {
    if (!isObjectLike(value) || typeof value === 'function') return value;
    if (this.members.has(value) || this.ownedByRealm(value)) return value;
    if (types.isDate(value)) return new this.intrinsics.Date(value.getTime());
    if (Array.isArray(value)) return this.newArray(value.map(item => this.toRealm(item)));
    const out = this.newObject();
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) out[key] = this.toRealm(item);
    }
    return out;
  }

  /**
   * Clones a realm value into the host realm for tests; service objects become a description
   * produced by `describe` (e.g. a TextOutput's content).
   */
  toHost(
    value: unknown,
    describe: (info: MemberInfo) => unknown,
    seen = new Set<object>()
  ): unknown {
    if (!isObjectLike(value) || typeof value === 'function') return value;
    const info = this.members.get(value);
    if (info) return describe(info);
    if (seen.has(value)) return '[Circular]';
    seen.add(value);
    try {
      if (types.isDate(value)) return new Date(value.getTime());
      if (types.isNativeError(value)) return hostError(value);
      if (Array.isArray(value)) return value.map(item => this.toHost(item, describe, seen));
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) out[key] = this.toHost(item, describe, seen);
      return out;
    } finally {
      seen.delete(value);
    }
  }

  private ownedByRealm(value: object): boolean {
    const proto: unknown = Object.getPrototypeOf(value);
    return (
      proto === this.intrinsics.Object.prototype ||
      proto === this.intrinsics.Array.prototype ||
      value instanceof this.intrinsics.Object
    );
  }
}

function isObjectLike(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

function hostError(value: Error): Error {
  const copy = new Error(value.message);
  copy.name = value.name;
  copy.stack = value.stack;
  return copy;
}
