import { Logger } from '@nestjs/common';
import { HttpService } from '@nestjs/axios';
import {
  AxiosHeaders,
  create as createAxios,
  getAdapter,
  isAxiosError,
  type AxiosError,
  type AxiosInstance,
  type AxiosInterceptorManager,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import axiosRetry from 'axios-retry';
import { randomUUID } from 'node:crypto';
import { firstValueFrom } from 'rxjs';
import { currentRequestContext } from '../errors/request-context.js';
import {
  type ApiClientOptions,
  type ApiRequestConfig,
  type ResolvedApiClientOptions,
  resolveApiClientOptions,
  resolveRetryPolicy,
} from './api-client.options.js';
import { ResponseInterceptors } from './response-interceptors.js';
import { redactUrl } from './redact.js';
import {
  type AttemptFailure,
  failureReason,
  type GiveUpCause,
  planRetry,
  type RetryPolicy,
} from './retry.policy.js';
import { UpstreamException, type UpstreamFailureKind } from './upstream.exception.js';

const IDEMPOTENCY_KEY = 'Idempotency-Key';
/** Where a call's state rides along in the axios config (a string key: axios drops symbols). */
const CALL = 'faultlineCall';
/** The abort reason of a call whose deadline passed. */
const DEADLINE = Symbol('deadline');
/** axios errors that are a mistake in the call, not a failure of the upstream. */
const USAGE_ERRORS = new Set([
  'ERR_INVALID_URL',
  'ERR_BAD_OPTION',
  'ERR_BAD_OPTION_VALUE',
  'ERR_NOT_SUPPORT',
]);

/** The state of one logical call, shared by its attempts. */
class CallState {
  attempts = 0;
  retries = 0;
  giveUp: GiveUpCause | undefined;
  lastReason = '';
  nextDelayMs = 0;

  constructor(
    readonly policy: RetryPolicy,
    readonly method: string,
    readonly url: string,
    readonly startedAt: number,
    readonly deadlineAt: number,
    readonly hasIdempotencyKey: boolean,
    readonly streamBody: boolean,
    readonly requestId: string | undefined,
  ) {}

  remainingMs(now = performance.now()): number {
    return this.deadlineAt - now;
  }
}

type ConfigWithCall = InternalAxiosRequestConfig & { [CALL]?: CallState };

function callOf(config: InternalAxiosRequestConfig | undefined): CallState | undefined {
  return (config as ConfigWithCall | undefined)?.[CALL];
}

/**
 * An HTTP client for calls to other services: axios through `@nestjs/axios`
 * `HttpService`, on the client's own axios instance with axios-retry, under
 * one deadline per call. It retries only what is transient and safe,
 * backs off with full jitter, honours `Retry-After`, stops at once on abort,
 * forwards the request id, and fails with an {@link UpstreamException}.
 *
 * ```ts
 * const { data } = await client.get<User>(`/users/${id}`);
 * ```
 */
export class ApiClient {
  /** The client's own axios instance (never the process-wide default). */
  readonly axiosRef: AxiosInstance;
  /** The `HttpService` calls go through. */
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
  /** The client's own headers carry an `Idempotency-Key` for every call. */
  private readonly defaultIdempotencyKey: boolean;

  constructor(options: ApiClientOptions | ResolvedApiClientOptions = {}) {
    this.settings = 'name' in options ? options : resolveApiClientOptions('default', options);
    this.logger = new Logger(`ApiClient:${this.settings.name}`);
    this.defaultIdempotencyKey = AxiosHeaders.from({ ...this.settings.headers }).has(IDEMPOTENCY_KEY);
    const instance = createAxios({
      ...this.settings.axios,
      baseURL: this.settings.baseURL ?? this.settings.axios.baseURL,
      headers: { ...this.settings.axios.headers, ...this.settings.headers },
      transitional: { ...this.settings.axios.transitional, clarifyTimeoutError: true },
    });
    const transport = getAdapter(instance.defaults.adapter);
    // counted here, past axios' cancellation check: an aborted attempt never reaches the network
    instance.defaults.adapter = (config) => {
      const call = callOf(config);
      if (call) call.attempts++;
      return transport(config);
    };
    axiosRetry(instance, {
      retries: this.settings.retry.retries,
      shouldResetTimeout: true,
      retryCondition: (error) => this.shouldRetry(error),
      retryDelay: (_retryNumber, error) => callOf(error.config)?.nextDelayMs ?? 0,
      onRetry: (retryNumber, error, config) => this.beforeRetry(retryNumber, error, config as ConfigWithCall),
    });
    this.axiosRef = instance;
    this.httpService = new HttpService(instance);
    this.interceptors = { request: instance.interceptors.request, response: new ResponseInterceptors() };
  }

  get<T = unknown, D = unknown>(url: string, config?: ApiRequestConfig<D>): Promise<AxiosResponse<T, D>> {
    return this.request<T, D>({ ...config, method: 'GET', url });
  }

  delete<T = unknown, D = unknown>(url: string, config?: ApiRequestConfig<D>): Promise<AxiosResponse<T, D>> {
    return this.request<T, D>({ ...config, method: 'DELETE', url });
  }

  head<T = unknown, D = unknown>(url: string, config?: ApiRequestConfig<D>): Promise<AxiosResponse<T, D>> {
    return this.request<T, D>({ ...config, method: 'HEAD', url });
  }

  options<T = unknown, D = unknown>(url: string, config?: ApiRequestConfig<D>): Promise<AxiosResponse<T, D>> {
    return this.request<T, D>({ ...config, method: 'OPTIONS', url });
  }

  post<T = unknown, D = unknown>(
    url: string,
    data?: D,
    config?: ApiRequestConfig<D>,
  ): Promise<AxiosResponse<T, D>> {
    return this.request<T, D>({ ...config, method: 'POST', url, data });
  }

  put<T = unknown, D = unknown>(
    url: string,
    data?: D,
    config?: ApiRequestConfig<D>,
  ): Promise<AxiosResponse<T, D>> {
    return this.request<T, D>({ ...config, method: 'PUT', url, data });
  }

  patch<T = unknown, D = unknown>(
    url: string,
    data?: D,
    config?: ApiRequestConfig<D>,
  ): Promise<AxiosResponse<T, D>> {
    return this.request<T, D>({ ...config, method: 'PATCH', url, data });
  }

  /** One logical call: attempts, waits and all, under one deadline. */
  async request<T = unknown, D = unknown>(config: ApiRequestConfig<D>): Promise<AxiosResponse<T, D>> {
    const { retry, deadlineMs, idempotencyKey, signal: callerSignal, ...axiosConfig } = config;
    if (callerSignal?.aborted) throw abortReason(callerSignal);
    const started = performance.now();
    const method = (axiosConfig.method ?? 'GET').toUpperCase();
    const headers = AxiosHeaders.from(axiosConfig.headers as AxiosHeaders);
    const key = this.idempotencyKeyOf(method, idempotencyKey, headers);
    if (key) headers.set(IDEMPOTENCY_KEY, key);
    const requestId = currentRequestContext()?.requestId;
    if (requestId && this.settings.requestIdHeader && !headers.has(this.settings.requestIdHeader)) {
      headers.set(this.settings.requestIdHeader, requestId);
    }
    const deadline = deadlineMs ?? this.settings.deadlineMs;
    const policy = resolveRetryPolicy(this.settings.retry, retry);
    const call = new CallState(
      policy,
      method,
      redactUrl(this.axiosRef.getUri({ ...axiosConfig, method })),
      started,
      started + deadline,
      key !== undefined || headers.has(IDEMPOTENCY_KEY) || this.defaultIdempotencyKey,
      isStream(axiosConfig.data),
      requestId,
    );
    const controller = new AbortController();
    const onCallerAbort = (): void => controller.abort(abortReason(callerSignal!));
    callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    const timer = setTimeout(() => controller.abort(DEADLINE), deadline);
    const attempt = firstValueFrom(
      this.httpService.request<T>({
        ...axiosConfig,
        method,
        headers,
        signal: controller.signal,
        timeout: Math.min(this.settings.attemptTimeoutMs, deadline),
        'axios-retry': { retries: call.streamBody ? 0 : policy.retries },
        [CALL]: call,
      } as ApiRequestConfig<D>),
    );
    try {
      return (await this.interceptors.response.run(attempt)) as AxiosResponse<T, D>;
    } catch (error) {
      if (callerSignal?.aborted) throw abortReason(callerSignal);
      throw this.toFailure(error, call, controller.signal.reason === DEADLINE);
    } finally {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    }
  }

  /** axios-retry's retryCondition: plans the retry and remembers the wait. */
  private shouldRetry(error: AxiosError): boolean {
    const call = callOf(error.config);
    if (!call) return false;
    const now = performance.now();
    const plan = planRetry({
      failure: attemptFailure(error),
      method: call.method,
      policy: call.policy,
      retriesDone: call.retries,
      hasIdempotencyKey: call.hasIdempotencyKey,
      streamBody: call.streamBody,
      retryAfter: error.response?.headers?.['retry-after'],
      remainingMs: call.remainingMs(now),
      now: Date.now(),
    });
    call.lastReason = plan.reason;
    if (!plan.retry) {
      call.giveUp = plan.giveUp;
      return false;
    }
    call.nextDelayMs = plan.delayMs;
    return true;
  }

  /** axios-retry's onRetry: bounds the next attempt by the deadline, logs, reports. */
  private beforeRetry(retryNumber: number, _error: AxiosError, config: ConfigWithCall): void {
    const call = config[CALL];
    if (!call) return;
    call.retries = retryNumber;
    const left = call.remainingMs() - call.nextDelayMs;
    config.timeout = Math.max(1, Math.min(this.settings.attemptTimeoutMs, Math.floor(left)));
    const event = {
      client: this.settings.name,
      method: call.method,
      url: call.url,
      attempt: retryNumber + 1,
      maxAttempts: call.policy.retries + 1,
      delayMs: call.nextDelayMs,
      reason: call.lastReason,
      requestId: call.requestId,
    };
    this.logger.warn(
      `${event.method} ${event.url} attempt ${event.attempt}/${event.maxAttempts} in ${event.delayMs}ms ` +
        `after ${event.reason} requestId=${event.requestId ?? '-'}`,
    );
    this.settings.onRetry?.(event);
  }

  private toFailure(error: unknown, call: CallState, deadlinePassed: boolean): unknown {
    if (!isAxiosError(error) || (!error.response && USAGE_ERRORS.has(error.code ?? ''))) return error;
    const failure = attemptFailure(error);
    const kind: UpstreamFailureKind =
      deadlinePassed || call.giveUp === 'deadline'
        ? 'deadline'
        : failure.status !== undefined
          ? 'status'
          : failure.timedOut
            ? 'timeout'
            : 'network';
    const reason = deadlinePassed
      ? `deadline of ${Math.round(call.deadlineAt - call.startedAt)}ms passed`
      : call.lastReason || failureReason(failure);
    return new UpstreamException({
      kind,
      client: this.settings.name,
      method: call.method,
      url: call.url,
      upstreamStatus: failure.status,
      attempts: call.attempts,
      elapsedMs: performance.now() - call.startedAt,
      reason,
      cause: error,
    });
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

function attemptFailure(error: AxiosError): AttemptFailure {
  const status = error.response?.status;
  const code = error.code;
  return {
    status,
    code,
    timedOut: status === undefined && (code === 'ETIMEDOUT' || code === 'ECONNABORTED'),
    canceled: code === 'ERR_CANCELED',
  };
}

function abortReason(signal: { reason?: unknown }): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

function isStream(data: unknown): boolean {
  return typeof data === 'object' && data !== null && typeof (data as { pipe?: unknown }).pipe === 'function';
}
