/**
 * Nest's own exceptions of the other contexts (`RpcException`, `WsException`),
 * recognised by class name along the prototype chain: the packages that
 * define them are optional, and an app may load its own copy.
 */

import type { EnvelopeFacts } from '../envelope.renderer.js';

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

/**
 * What Nest answers for such an exception: its error when it is an object,
 * else `{ status: 'error', message }` (a gateway adds `cause: { pattern, data }`).
 */
export function nestErrorShape(exception: OwnException, cause?: { pattern: string; data: unknown }): object {
  const error = exception.getError();
  if (typeof error === 'object' && error !== null) return error;
  return cause ? { status: 'error', message: error, cause } : { status: 'error', message: error };
}

/** Nest's error shape of RPC and gateway answers, `{ status: 'error', ... }`, with the envelope's facts. */
export type NestErrorPayload = { readonly status: 'error' } & EnvelopeFacts;

export function nestErrorPayload(facts: EnvelopeFacts): NestErrorPayload {
  return { status: 'error', ...facts };
}
