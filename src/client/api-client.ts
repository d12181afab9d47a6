import { HttpService } from '@nestjs/axios';
import {
  AxiosHeaders,
  create as createAxios,
  getAdapter,
  type AxiosInstance,
  type AxiosInterceptorManager,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import { isBulkheadRejectedError } from 'cockatiel';
import {
  type ApiClientOptions,
  type ApiRequestConfig,
  DEFAULT_CLIENT,
  type ResolvedApiClientOptions,
  resolveApiClientOptions,
} from './api-client.options.js';
import { CallHooks, uriOf } from './call-hooks.js';
import { CALL, CallState, finalFailure } from './call-state.js';
import { makeMethodHeadersLazy } from './method-headers.js';
import { nodeTransport } from './node-transport.js';
import { type ClientStats, OverloadGuard } from './overload-guard.js';
import { ResponseInterceptors } from './response-interceptors.js';
import { createUndiciAdapter } from './undici/undici-adapter.js';
import { UpstreamException } from './upstream.exception.js';

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
  private readonly guard: OverloadGuard;
  private readonly hooks: CallHooks;
  private readonly closeTransport: () => Promise<void>;

  /** Checks the options (a bad one throws here, at startup) and applies the defaults. */
  constructor(options: ApiClientOptions | ResolvedApiClientOptions = {}) {
    this.settings = resolveApiClientOptions(...named(options));
    const { name, axios, baseURL, headers } = this.settings;
    this.guard = new OverloadGuard(name, this.settings, (event) => this.hooks.emit(event));
    this.hooks = new CallHooks(this.settings, this.guard);
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
    instance.defaults.adapter = this.hooks.adapter(
      instance,
      undici ?? nodeTransport(getAdapter(instance.defaults.adapter)),
    );
    this.hooks.attachRetry(instance);
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
    const method = verb.toUpperCase();
    const headers = AxiosHeaders.from(config?.headers as AxiosHeaders);
    const axiosConfig = config && axiosPart(config);
    const call = this.hooks.begin(method, headers, config, data, () =>
      uriOf(this.axiosRef, { ...axiosConfig, url, method }),
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

  private toFailure(error: unknown, call: CallState): unknown {
    const failure = finalFailure(error, call);
    if (!failure) return error;
    const { giveUp, ...facts } = failure;
    if (isBulkheadRejectedError(error)) this.hooks.emit({ type: 'bulkhead-rejected', ...call.facts });
    this.hooks.emit({
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
}

/**
 * A client's name and options. Resolved options are options again, under
 * their name: checking them twice costs microseconds, once per client.
 */
function named(options: ApiClientOptions | ResolvedApiClientOptions): [string, ApiClientOptions] {
  if (typeof options !== 'object' || options === null || !('name' in options)) {
    return [DEFAULT_CLIENT, options];
  }
  const { name, ...rest } = options;
  return [name, rest as ApiClientOptions];
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
