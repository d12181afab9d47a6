import { HttpService } from '@nestjs/axios';
import { Logger } from '@nestjs/common';
import {
  AxiosHeaders,
  create as createAxios,
  getAdapter,
  type AxiosInstance,
  type AxiosInterceptorManager,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import {
  type ApiClientOptions,
  type ApiRequestConfig,
  DEFAULT_CLIENT,
  type ResolvedApiClientOptions,
} from './api-client.options.js';
import { resolveApiClientOptions } from './api-client.options-resolver.js';
import { bindAxios, CALL, verdictOf } from './axios-binding.js';
import type { ClientEvent } from './client-events.js';
import type { ClientStats } from './client-stats.js';
import { makeMethodHeadersLazy } from './method-headers.js';
import { nodeTransport } from './node-transport.js';
import type { CallContext } from './call-request.js';
import { OutboundCall } from './outbound-call.js';
import { Resilience } from './resilience.js';
import { ResponseInterceptors } from './response-interceptors.js';
import { ClientTelemetry } from './telemetry/client-telemetry.js';
import { createUndiciAdapter } from './undici/undici-adapter.js';

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
  readonly #resilience: Resilience;
  readonly #calls: CallContext;
  readonly #telemetry: ClientTelemetry | undefined;
  private readonly closeTransport: () => Promise<void>;

  /** Checks the options (a bad one throws here, at startup) and applies the defaults. */
  constructor(options: ApiClientOptions | ResolvedApiClientOptions = {}) {
    this.settings = resolveApiClientOptions(...named(options));
    const { name, axios, baseURL, headers, onEvent, bulkhead, breaker, budget, clock } = this.settings;
    const emit = (event: ClientEvent): void => onEvent?.(event);
    this.#resilience = new Resilience({
      client: name,
      bulkhead,
      breaker,
      budget,
      clock,
      emit,
      blamesUpstream: (error) => verdictOf(error).blame === 'upstream',
    });
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
    const resilience = this.#resilience;
    this.#telemetry = this.settings.telemetry
      ? ClientTelemetry.of(name, () => resilience.stats())
      : undefined;
    this.#calls = {
      settings: this.settings,
      resilience: this.#resilience,
      logger: new Logger(`ApiClient:${name}`),
      instance,
      defaultIdempotencyKey: AxiosHeaders.from({ ...headers }).has('Idempotency-Key'),
      telemetry: this.#telemetry,
    };
    bindAxios(instance, undici ?? nodeTransport(getAdapter(instance.defaults.adapter)), this.#calls);
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
    this.#telemetry?.close();
    return this.closeTransport();
  }

  onModuleDestroy(): Promise<void> {
    return this.close();
  }

  /** Breaker state, retry budget level, bulkhead occupancy and totals of this client. */
  getStats(): ClientStats {
    return this.#resilience.stats();
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
    const call = OutboundCall.start(this.#calls, {
      method,
      url,
      target: axiosConfig,
      headers,
      data,
      settings: config,
    });
    try {
      // the instance HttpService wraps, called directly: HttpService's Observable adds a
      // subscription and a cancel token per call, and nothing else
      const response = await call.run(() =>
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
            [CALL]: call,
          } as ApiRequestConfig<D>),
        ),
      );
      return response as AxiosResponse<T, D>;
    } catch (error) {
      if (callerSignal?.aborted) throw call.abandon(abortReason(callerSignal));
      throw call.fail(error);
    }
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
  const {
    retry: _retry,
    deadlineMs: _deadline,
    requestDeadline: _requestDeadline,
    idempotencyKey: _key,
    signal: _signal,
    ...rest
  } = config;
  return rest;
}

type OwnKeys = 'retry' | 'deadlineMs' | 'requestDeadline' | 'idempotencyKey' | 'signal';

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}
