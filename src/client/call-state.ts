import type { AxiosError, InternalAxiosRequestConfig } from 'axios';
import type { CallFacts } from './client-events.js';
import type { AttemptFailure, GiveUpCause, RetryPolicy } from './retry.policy.js';

/** Where a call's state rides along in the axios config (a string key: axios drops symbols). */
export const CALL = 'faultlineCall';

/** The state of one logical call, shared by its attempts. */
export class CallState {
  attempts = 0;
  retries = 0;
  giveUp: GiveUpCause | undefined;
  lastReason = '';
  nextDelayMs = 0;

  constructor(
    readonly facts: CallFacts,
    readonly policy: RetryPolicy,
    readonly startedAt: number,
    readonly deadlineAt: number,
    readonly hasIdempotencyKey: boolean,
    readonly streamBody: boolean,
  ) {}

  /** Attempts this call may make at most. */
  get maxAttempts(): number {
    return this.streamBody ? 1 : this.policy.retries + 1;
  }

  remainingMs(now = performance.now()): number {
    return this.deadlineAt - now;
  }
}

export type ConfigWithCall = InternalAxiosRequestConfig & { [CALL]?: CallState };

export function callOf(config: InternalAxiosRequestConfig | undefined): CallState | undefined {
  return (config as ConfigWithCall | undefined)?.[CALL];
}

/** The facts of a failed attempt that the retry policy weighs. */
export function attemptFailure(error: AxiosError): AttemptFailure {
  const status = error.response?.status;
  const code = error.code;
  return {
    status,
    code,
    timedOut: status === undefined && (code === 'ETIMEDOUT' || code === 'ECONNABORTED'),
    canceled: code === 'ERR_CANCELED',
  };
}

/** A body that can be read once only. */
export function isStream(data: unknown): boolean {
  return typeof data === 'object' && data !== null && typeof (data as { pipe?: unknown }).pipe === 'function';
}
