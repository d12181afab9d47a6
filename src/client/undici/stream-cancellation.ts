/**
 * Stream bodies under cancellation on the undici transport, as on axios'
 * http adapter: the caller's abort still reaches a response stream after its
 * headers (the stream fails with ERR_CANCELED and its connection is closed),
 * and a request stream destroyed before its end cancels the attempt with
 * ERR_CANCELED ("Request stream has been aborted").
 */
import { CanceledError, type InternalAxiosRequestConfig } from 'axios';
import { isPipeable } from '../../shared/streams.js';

interface StreamLike {
  once(event: string, listener: (...args: unknown[]) => void): unknown;
  pipe?: unknown;
  readonly closed?: boolean;
}

function isStream(value: unknown): value is StreamLike {
  return isPipeable(value) && typeof (value as StreamLike).once === 'function';
}

/**
 * Calls `release` once the response stream `data` has closed (read to its
 * end, destroyed or failed). False when `data` is no stream: nothing to wait for.
 */
export function releaseWhenClosed(data: unknown, release: () => void): boolean {
  if (!isStream(data)) return false;
  if (data.closed) release();
  else data.once('close', release);
  return true;
}

/** Cancels the attempt when the call's request stream is destroyed before its end, as axios does. */
export function cancelOnRequestStreamAbort(
  config: InternalAxiosRequestConfig,
  cancel: (reason: unknown) => void,
): void {
  const data: unknown = config.data;
  if (!isStream(data)) return;
  let over = false;
  const finish = (): void => {
    over = true;
  };
  // an error fails the attempt with that error, through undici
  data.once('end', finish);
  data.once('error', finish);
  data.once('close', () => {
    if (!over) cancel(new CanceledError('Request stream has been aborted', config));
  });
}
