/**
 * Nest's own exceptions of the other contexts (`RpcException`, `WsException`),
 * recognised by class name along the prototype chain: the packages that
 * define them are optional, and an app may load its own copy.
 */

type OwnException = Error & { getError(): unknown };

/** The exception when it is (or extends) Nest's `name` exception class. */
export function asNestException(
  value: unknown,
  name: 'RpcException' | 'WsException',
): OwnException | undefined {
  if (!(value instanceof Error) || typeof (value as Partial<OwnException>).getError !== 'function') {
    return undefined;
  }
  for (let proto: unknown = Object.getPrototypeOf(value); proto; proto = Object.getPrototypeOf(proto)) {
    if ((proto as { constructor?: { name?: unknown } }).constructor?.name === name)
      return value as OwnException;
    if (proto === Error.prototype) break;
  }
  return undefined;
}

/** What Nest answers for such an exception: its error when it is an object, else `{ status: 'error', message }`. */
export function nestErrorShape(exception: OwnException): object {
  const error = exception.getError();
  return typeof error === 'object' && error !== null ? error : { status: 'error', message: error };
}
