import { Logger } from '@nestjs/common';
import { HttpService } from '@nestjs/axios';
import {
  AxiosHeaders,
  create as createAxios,
  getAdapter,
  type AxiosError,
  type AxiosInstance,
  type AxiosInterceptorManager,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import axiosRetry from 'axios-retry';
import { isBulkheadRejectedError } from 'cockatiel';
import { randomUUID } from 'node:crypto';
import { currentRequestContext } from '../errors/request-context.js';
import {
  type ApiClientOptions,
  type ApiRequestConfig,
  type ResolvedApiClientOptions,
  resolveApiClientOptions,
  resolveRetryPolicy,
} from './api-client.options.js';
import {
  attemptFailure,
  CALL,
  CallState,
  callOf,
  deadlineError,
  type ConfigWithCall,
  finalFailure,
  isStream,
} from './call-state.js';
import type { ClientEvent } from './client-events.js';
import { makeMethodHeadersLazy } from './method-headers.js';
import { type ClientStats, OverloadGuard } from './overload-guard.js';
import { redactUrl } from './redact.js';
import { ResponseInterceptors } from './response-interceptors.js';
import { planRetry } from './retry.policy.js';
import { createUndiciAdapter } from './undici.adapter.js';
import { UpstreamException } from './upstream.exception.js';

const IDEMPOTENCY_KEY = 'Idempotency-Key';

/**
 * An HTTP client for calls to other services: axios on the client's own
 * instance with axios-retry, wrapped in an `@nestjs/axios` `HttpService`
 * (the promise API calls the instance directly), under one deadline per
 * call. It retries only what is transient and safe, backs off with full
 * jitter, honours `Retry-After`, stops at once on abort, forwards the request
 * id, protects the upstream with a retry budget and a circuit breaker, and
 * fails with an {@link UpstreamException}.
 *
 * ```ts
 * const { data } = await client.get<User>(`/users/${id}`);
 * ```
 */
export class ApiClient {
  /** The client's own axios instance (never the process-wide default). */
  readonly axiosRef: AxiosInstance;
  /** An `HttpService` over {@link axiosRef}, for the Observable API. */
  readonly httpService: HttpService;
  /**
   * `request` interceptors run before every attempt (fresh auth headers);
   * `response` interceptors see each call's final result once.
   */
  readonly interceptors: {
    readonly request: AxiosInterceptorManager<InternalAxiosRequestConfig>;
    readonly response: ResponseInterceptors;
  };
  /** The client's options, defaults applied. */
  readonly settings: ResolvedApiClientOptions;
  private readonly logger: Logger;
  private readonly guard: OverloadGuard;
  /** The client's own headers carry an `Idempotency-Key` for every call. */
  private readonly defaultIdempotencyKey: boolean;
  private readonly closeTransport: () => Promise<void>;

  constructor(options: ApiClientOptions | ResolvedApiClientOptions = {}) {
    this.settings = 'name' in options ? options : resolveApiClientOptions('default', options);
    const { name, axios, baseURL, headers } = this.settings;
    this.logger = new Logger(`ApiClient:${name}`);
    this.defaultIdempotencyKey = AxiosHeaders.from({ ...headers }).has(IDEMPOTENCY_KEY);
    this.guard = new OverloadGuard(name, this.settings, (event) => this.emit(event));
    const instance = createAxios({
      ...axios,
      baseURL: baseURL ?? axios.baseURL,
      headers: { ...axios.headers, ...headers },
      transitional: { ...axios.transitional, clarifyTimeoutError: true },
    });
    makeMethodHeadersLazy(instance);
    const undici =
      this.settings.transport.type === 'undici' ? createUndiciAdapter(this.settings.transport) : undefined;
    this.closeTransport = () => undici?.close() ?? Promise.resolve();
    const transport = undici ?? getAdapter(instance.defaults.adapter);
    // past axios' cancellation check, so an aborted attempt never reaches the breaker or the network
    instance.defaults.adapter = (config) => {
      const call = callOf(config);
      if (call) {
        // the deadline bounds each attempt; past it, no attempt reaches the breaker or the network
        if (call.remainingMs() <= 0) return Promise.reject(deadlineError(config, call));
        config.timeout = call.boundAttemptTimeout(config.timeout);
      }
      return this.guard.runAttempt(() => {
        if (call) this.attempted(call);
        return transport(config);
      });
    };
    axiosRetry(instance, {
      // each call's own policy bounds its attempts (retryCondition), so no per-call axios-retry config
      retries: Number.MAX_SAFE_INTEGER,
      shouldResetTimeout: true,
      retryCondition: (error) => this.shouldRetry(error),
      retryDelay: (_retryNumber, error) => callOf(error.config)?.nextDelayMs ?? 0,
      onRetry: (retryNumber, _error, config) => this.beforeRetry(retryNumber, config as ConfigWithCall),
    });
    this.axiosRef = instance;
    this.httpService = new HttpService(instance);
    this.interceptors = { request: instance.interceptors.request, response: new ResponseInterceptors() };
  }

  get<T = unknown, D = unknown>(url: string, config?: ApiRequestConfig<D>): Promise<AxiosResponse<T, D>> {
    return this.send<T, D>('GET', url, undefined, config);
  }

  delete<T = unknown, D = unknown>(url: string, config?: ApiRequestConfig<D>): Promise<AxiosResponse<T, D>> {
    return this.send<T, D>('DELETE', url, undefined, config);
  }

  head<T = unknown, D = unknown>(url: string, config?: ApiRequestConfig<D>): Promise<AxiosResponse<T, D>> {
    return this.send<T, D>('HEAD', url, undefined, config);
  }

  options<T = unknown, D = unknown>(url: string, config?: ApiRequestConfig<D>): Promise<AxiosResponse<T, D>> {
    return this.send<T, D>('OPTIONS', url, undefined, config);
  }

  post<T = unknown, D = unknown>(
    url: string,
    data?: D,
    config?: ApiRequestConfig<D>,
  ): Promise<AxiosResponse<T, D>> {
    return this.send<T, D>('POST', url, data, config);
  }

  put<T = unknown, D = unknown>(
    url: string,
    data?: D,
    config?: ApiRequestConfig<D>,
  ): Promise<AxiosResponse<T, D>> {
    return this.send<T, D>('PUT', url, data, config);
  }

  patch<T = unknown, D = unknown>(
    url: string,
    data?: D,
    config?: ApiRequestConfig<D>,
  ): Promise<AxiosResponse<T, D>> {
    return this.send<T, D>('PATCH', url, data, config);
  }

  /** Closes the transport's idle connections (Nest calls it when the app closes). */
  close(): Promise<void> {
    return this.closeTransport();
  }

  onModuleDestroy(): Promise<void> {
    return this.close();
  }

  /** Breaker state, retry budget level, bulkhead occupancy and totals of this client. */
  getStats(): ClientStats {
    return this.guard.stats();
  }

  /** One logical call: attempts, waits and all, under one deadline. */
  request<T = unknown, D = unknown>(config: ApiRequestConfig<D>): Promise<AxiosResponse<T, D>> {
    return this.send<T, D>(config.method ?? 'GET', config.url, config.data, config);
  }

  private async send<T, D>(
    verb: string,
    url: string | undefined,
    data: D | undefined,
    config: ApiRequestConfig<D> | undefined,
  ): Promise<AxiosResponse<T, D>> {
    const callerSignal = config?.signal;
    if (callerSignal?.aborted) throw abortReason(callerSignal);
    const started = performance.now();
    const method = verb.toUpperCase();
    const headers = AxiosHeaders.from(config?.headers as AxiosHeaders);
    const key = this.idempotencyKeyOf(method, config?.idempotencyKey, headers);
    if (key) headers.set(IDEMPOTENCY_KEY, key);
    const requestId = currentRequestContext()?.requestId;
    const requestIdHeader = this.settings.requestIdHeader;
    if (requestId && requestIdHeader && !headers.has(requestIdHeader))
      headers.set(requestIdHeader, requestId);
    const axiosConfig = config && axiosPart(config);
    const deadline = config?.deadlineMs ?? this.settings.deadlineMs;
    const call = new CallState(
      () => ({
        client: this.settings.name,
        method,
        url: redactUrl(this.axiosRef.getUri({ ...axiosConfig, url, method })),
        requestId,
      }),
      resolveRetryPolicy(this.settings.retry, config?.retry),
      config?.timeout || this.settings.attemptTimeoutMs,
      started,
      started + deadline,
      key !== undefined || this.defaultIdempotencyKey || headers.has(IDEMPOTENCY_KEY),
      isStream(data),
    );
    try {
      // the instance HttpService wraps, called directly: HttpService's Observable adds a
      // subscription and a cancel token per call, and nothing else
      const response = await this.guard.runCall(() =>
        this.interceptors.response.run(
          this.axiosRef.request<T>({
            ...axiosConfig,
            method,
            url,
            data,
            headers,
            // the caller's signal as it is: the deadline needs none, as every attempt's timeout
            // ends by it and no wait is begun that would pass it
            signal: callerSignal,
            timeout: call.attemptTimeoutMs,
            faultlineCall: call,
          } satisfies Record<string, unknown> & Record<typeof CALL, CallState> as ApiRequestConfig<D>),
        ),
      );
      return response as AxiosResponse<T, D>;
    } catch (error) {
      if (callerSignal?.aborted) throw abortReason(callerSignal);
      throw this.toFailure(error, call);
    }
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

  private toFailure(error: unknown, call: CallState): unknown {
    const failure = finalFailure(error, call);
    if (!failure) return error;
    const { giveUp, ...facts } = failure;
    if (isBulkheadRejectedError(error)) this.emit({ type: 'bulkhead-rejected', ...call.facts });
    this.emit({
      type: 'give-up',
      ...call.facts,
      attempts: call.attempts,
      reason: facts.reason,
      cause: giveUp,
    });
    return new UpstreamException({
      ...facts,
      client: this.settings.name,
      method: call.facts.method,
      url: call.facts.url,
      attempts: call.attempts,
      elapsedMs: performance.now() - call.startedAt,
      cause: error,
    });
  }

  private emit(event: ClientEvent): void {
    this.settings.onEvent?.(event);
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

/** A call's config without ApiClient's own keys: what axios is given. */
function axiosPart<D>(config: ApiRequestConfig<D>): Omit<ApiRequestConfig<D>, OwnKeys> {
  const { retry: _retry, deadlineMs: _deadline, idempotencyKey: _key, signal: _signal, ...rest } = config;
  return rest;
}

type OwnKeys = 'retry' | 'deadlineMs' | 'idempotencyKey' | 'signal';

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}
