// Host-side error types of the local Apps Script runtime. Service code throws these; the
// membrane (realm.ts) turns them into errors of the script's own realm before the script sees
// them, so `e instanceof Error` holds inside the bundle. `GasException` mirrors the errors Apps
// Script's services throw (name `Exception`, so `String(e)` reads `Exception: <message>`),
// `KillSignal` ends an execution the way the platform would, and `notImplemented` names the
// service member the local runtime does not have.

/** An error thrown by an Apps Script service; `String(e)` is `Exception: <message>`. */
export class GasException extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Exception';
  }
}

/**
 * The execution is being killed (time limit, x-sandbox-kill, a hook). The script may catch the
 * error, but every later service call of the same execution throws it again.
 */
export class KillSignal extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'Error';
  }
}

/** A member of an Apps Script service that the local runtime does not emulate. */
export class NotImplementedError extends Error {
  constructor(service: string, member: string) {
    super(`${service}.${member} is not implemented in the local runtime`);
    this.name = 'Error';
  }
}

/** Apps Script's wording for a call whose arguments do not fit any overload. */
export function signatureMismatch(method: string, args: readonly unknown[]): GasException {
  const types = args.map(describeArgType).join(',');
  return new GasException(
    `The parameters (${types}) don't match the method signature for ${method}.`
  );
}

function describeArgType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    const inner = value.length > 0 ? describeArgType(value[0]) : 'Object';
    return `${inner}[]`;
  }
  if (typeof value === 'string') return 'String';
  if (typeof value === 'object') return 'Object';
  return typeof value;
}
