import { Logger } from '@nestjs/common';
import {
  type AxiosAdapter,
  type AxiosError,
  AxiosHeaders,
  type AxiosInstance,
  type AxiosRequestConfig,
  type InternalAxiosRequestConfig,
} from 'axios';
import axiosRetry from 'axios-retry';
import { randomUUID } from 'node:crypto';
import { currentRequestContext } from '../core/request-context.js';
import {
  type ApiRequestConfig,
  type ResolvedApiClientOptions,
  resolveRetryPolicy,
} from './api-client.options.js';
import { attemptFailure, CALL, CallState, callOf, type ConfigWithCall, deadlineError } from './call-state.js';
import type { ClientEvent } from './client-events.js';
import type { OverloadGuard } from './overload-guard.js';
import { redactUrl } from './redact.js';
import { planRetry } from './retry.policy.js';
import { isPipeable } from '../shared/streams.js';

const IDEMPOTENCY_KEY = 'Idempotency-Key';

/** What a call may set over the client's options. */
export type CallSettings = Pick<ApiRequestConfig, 'retry' | 'deadlineMs' | 'idempotencyKey' | 'timeout'>;

/**
 * ApiClient's part inside its axios instance. Each call gets its state — from
 * the client's methods, or on the first attempt of a call made on `axiosRef`
 * or `httpService` directly — and each attempt runs under the call's deadline
 * and the breaker; axios-retry asks it whether, when and how to retry.
 */
export class CallHooks {
  private readonly logger: Logger;
  /** The client's own headers carry an `Idempotency-Key` for every call. */
  private readonly defaultIdempotencyKey: boolean;

  constructor(
    private readonly settings: ResolvedApiClientOptions,
    private readonly guard: OverloadGuard,
  ) {
    this.logger = new Logger(`ApiClient:${settings.name}`);
    this.defaultIdempotencyKey = AxiosHeaders.from({ ...settings.headers }).has(IDEMPOTENCY_KEY);
  }

  /**
   * A call's state, from now: sets its `Idempotency-Key` and request id
   * headers on `headers`. `urlOf` gives its URL when a log, event or failure
   * needs it.
   */
  begin(
    method: string,
    headers: AxiosHeaders,
    call: CallSettings | undefined,
    data: unknown,
    urlOf: () => string,
  ): CallState {
    const started = performance.now();
    const key = this.idempotencyKeyOf(method, call?.idempotencyKey, headers);
    if (key) headers.set(IDEMPOTENCY_KEY, key);
    const requestId = currentRequestContext()?.requestId;
    const requestIdHeader = this.settings.requestIdHeader;
    if (requestId && requestIdHeader && !headers.has(requestIdHeader))
      headers.set(requestIdHeader, requestId);
    return new CallState(
      () => ({ client: this.settings.name, method, url: redactUrl(urlOf()), requestId }),
      resolveRetryPolicy(this.settings.retry, call?.retry),
      call?.timeout || this.settings.attemptTimeoutMs,
      started,
      started + (call?.deadlineMs ?? this.settings.deadlineMs),
      key !== undefined || this.defaultIdempotencyKey || headers.has(IDEMPOTENCY_KEY),
      isPipeable(data),
    );
  }

  /**
   * The instance's adapter: `transport` for each attempt, cut to what is left
   * of the deadline and run through the breaker. It sits past axios'
   * cancellation check, so an aborted attempt never reaches either.
   */
  adapter(instance: AxiosInstance, transport: AxiosAdapter): AxiosAdapter {
    return (config) => {
      const call = callOf(config) ?? this.adopt(instance, config);
      // past the deadline, no attempt reaches the breaker or the network
      if (call.remainingMs() <= 0) return Promise.reject(deadlineError(config, call));
      config.timeout = call.boundAttemptTimeout(config.timeout);
      return this.guard.runAttempt(() => {
        this.attempted(call);
        return transport(config);
      });
    };
  }

  /** Attaches axios-retry to the instance, deciding through these hooks. */
  attachRetry(instance: AxiosInstance): void {
    axiosRetry(instance, {
      // each call's own policy bounds its attempts (retryCondition), so no per-call axios-retry config
      retries: Number.MAX_SAFE_INTEGER,
      shouldResetTimeout: true,
      retryCondition: (error) => this.shouldRetry(error),
      retryDelay: (_retryNumber, error) => callOf(error.config)?.nextDelayMs ?? 0,
      onRetry: (retryNumber, _error, config) => this.beforeRetry(retryNumber, config as ConfigWithCall),
    });
  }

  emit(event: ClientEvent): void {
    this.settings.onEvent?.(event);
  }

  /** A call made on `axiosRef` or `httpService` directly: the client's policy, from its first attempt. */
  private adopt(instance: AxiosInstance, config: InternalAxiosRequestConfig): CallState {
    this.guard.countCall();
    const call = this.begin((config.method ?? 'get').toUpperCase(), config.headers, config, config.data, () =>
      uriOf(instance, config),
    );
    (config as ConfigWithCall)[CALL] = call;
    return call;
  }

  private attempted(call: CallState): void {
    call.attempts++;
    if (this.settings.onEvent) {
      this.emit({ type: 'attempt', ...call.facts, attempt: call.attempts, maxAttempts: call.maxAttempts });
    }
  }

  /** axios-retry's retryCondition: plans the retry, asks the breaker and the budget, remembers the wait. */
  private shouldRetry(error: AxiosError): boolean {
    const call = callOf(error.config);
    if (!call) return false;
    const plan = planRetry({
      failure: attemptFailure(error),
      method: (error.config?.method ?? 'GET').toUpperCase(),
      policy: call.policy,
      retriesDone: call.retries,
      hasIdempotencyKey: call.hasIdempotencyKey,
      streamBody: call.streamBody,
      retryAfter: error.response?.headers?.['retry-after'],
      remainingMs: call.remainingMs(),
      now: Date.now(),
    });
    call.lastReason = plan.reason;
    if (!plan.retry) {
      call.giveUp = plan.giveUp;
      return false;
    }
    if (this.guard.isOpen) {
      call.giveUp = 'breaker-open';
      call.lastReason = `${plan.reason}; circuit open`;
      return false;
    }
    if (!this.guard.tryRetry()) {
      call.giveUp = 'budget-exhausted';
      call.lastReason = `${plan.reason}; retry budget exhausted`;
      this.logger.warn(
        `${call.facts.method} ${call.facts.url} no retry after ${plan.reason}: retry budget exhausted ` +
          `requestId=${call.facts.requestId ?? '-'}`,
      );
      this.emit({ type: 'budget-exhausted', ...call.facts, attempt: call.attempts, reason: plan.reason });
      return false;
    }
    call.nextDelayMs = plan.delayMs;
    return true;
  }

  /** axios-retry's onRetry: counts, logs, reports. */
  private beforeRetry(retryNumber: number, config: ConfigWithCall): void {
    const call = config[CALL];
    if (!call) return;
    call.retries = retryNumber;
    const event = {
      ...call.facts,
      attempt: retryNumber + 1,
      maxAttempts: call.maxAttempts,
      delayMs: call.nextDelayMs,
      reason: call.lastReason,
    };
    this.logger.warn(
      `${event.method} ${event.url} attempt ${event.attempt}/${event.maxAttempts} in ${event.delayMs}ms ` +
        `after ${event.reason} requestId=${event.requestId ?? '-'}`,
    );
    this.settings.onRetry?.(event);
    this.emit({ type: 'retry', ...event });
  }

  private idempotencyKeyOf(
    method: string,
    requested: string | true | undefined,
    headers: AxiosHeaders,
  ): string | undefined {
    if (typeof requested === 'string') return requested;
    if (headers.has(IDEMPOTENCY_KEY)) return undefined;
    if (requested === true || (this.settings.idempotencyKeys && (method === 'POST' || method === 'PATCH'))) {
      return randomUUID();
    }
    return undefined;
  }
}

/**
 * A call's URL as axios builds it, for logs, events and failures; without its
 * params when they do not serialize (the call fails saying why).
 */
export function uriOf(instance: AxiosInstance, config: AxiosRequestConfig): string {
  try {
    return instance.getUri(config);
  } catch {
    return instance.getUri({ ...config, params: undefined });
  }
}
