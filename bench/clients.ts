/**
 * The outbound clients the bench compares, each fresh, on its own
 * keep-alive agent, calling `GET <upstream>/items/42`. `call()` resolves on
 * a 2xx answer and rejects otherwise.
 */
import { HttpService } from '@nestjs/axios';
import { create as createAxios } from 'axios';
import axiosRetry, { exponentialDelay } from 'axios-retry';
import { Agent as HttpAgent } from 'node:http';
import { firstValueFrom } from 'rxjs';
import { Agent as UndiciAgent, request } from 'undici';
import { createUndiciAdapter } from '../src/client/undici/undici-adapter.js';
import { ApiClient, type ApiClientOptions } from '../src/index.js';

export const PATH = '/items/42';

export interface Subject {
  readonly name: string;
  call(): Promise<unknown>;
  close(): Promise<void>;
}

export type SubjectFactory = (baseURL: string) => Subject;

function keepAlive(): HttpAgent {
  return new HttpAgent({ keepAlive: true });
}

export const undiciRequest: SubjectFactory = (baseURL) => {
  const dispatcher = new UndiciAgent();
  const url = `${baseURL}${PATH}`;
  return {
    name: 'undici request',
    call: async () => {
      const { statusCode, body } = await request(url, { dispatcher });
      const data: unknown = await body.json();
      if (statusCode !== 200) throw new Error(`status ${statusCode}`);
      return data;
    },
    close: () => dispatcher.close(),
  };
};

export const rawAxios: SubjectFactory = (baseURL) => {
  const httpAgent = keepAlive();
  const instance = createAxios({ baseURL, httpAgent });
  return {
    name: 'axios',
    call: async () => (await instance.get(PATH)).data,
    close: async () => httpAgent.destroy(),
  };
};

export const httpService: SubjectFactory = (baseURL) => {
  const httpAgent = keepAlive();
  const service = new HttpService(createAxios({ baseURL, httpAgent }));
  return {
    name: 'HttpService',
    call: async () => (await firstValueFrom(service.get(PATH))).data,
    close: async () => httpAgent.destroy(),
  };
};

/** HttpService with axios-retry set up by hand, as apps do (exponential backoff). */
export const httpServiceRetry: SubjectFactory = (baseURL) => {
  const httpAgent = keepAlive();
  const instance = createAxios({ baseURL, httpAgent });
  axiosRetry(instance, { retries: 3, retryDelay: exponentialDelay });
  const service = new HttpService(instance);
  return {
    name: 'HttpService + axios-retry',
    call: async () => (await firstValueFrom(service.get(PATH))).data,
    close: async () => httpAgent.destroy(),
  };
};

/**
 * axios + axios-retry on ApiClient's undici adapter, nothing else: what any
 * client keeping the axios and axios-retry API on this transport starts from.
 */
export const axiosRetryUndici: SubjectFactory = (baseURL) => {
  const adapter = createUndiciAdapter();
  const instance = createAxios({ baseURL, adapter });
  axiosRetry(instance, { retries: 3, retryDelay: exponentialDelay });
  return {
    name: 'axios + axios-retry on the undici adapter',
    call: async () => (await instance.get(PATH)).data,
    close: () => adapter.close(),
  };
};

/** axios with axios-retry's defaults: 3 retries, no delay, GETs retried on network errors and 5xx. */
export const axiosRetryDefaults: SubjectFactory = (baseURL) => {
  const httpAgent = keepAlive();
  const instance = createAxios({ baseURL, httpAgent });
  axiosRetry(instance);
  return {
    name: 'axios + axios-retry (defaults)',
    call: async () => (await instance.get(PATH)).data,
    close: async () => httpAgent.destroy(),
  };
};

export function apiClient(name: string, options: ApiClientOptions = {}): SubjectFactory {
  return (baseURL) => ours(name, baseURL, options);
}

export interface OursSubject extends Subject {
  readonly client: ApiClient;
}

/**
 * An ApiClient. With `transport: 'node'` it gets a keep-alive agent like the
 * axios rows; the default undici transport keeps its own pool alive (an
 * `httpAgent` would send its calls through axios' http adapter instead).
 */
export function ours(name: string, baseURL: string, options: ApiClientOptions = {}): OursSubject {
  const httpAgent = options.transport === 'node' ? keepAlive() : undefined;
  const client = new ApiClient({ ...options, baseURL, axios: httpAgent ? { httpAgent } : {} });
  return {
    name,
    client,
    call: async () => (await client.get(PATH)).data,
    close: async () => {
      await client.close();
      httpAgent?.destroy();
    },
  };
}

/** Runs `fn` from `concurrency` loops until `durationMs` has passed. */
export async function runFor(
  durationMs: number,
  concurrency: number,
  fn: () => Promise<unknown>,
): Promise<{ completed: number; failed: number; elapsedMs: number }> {
  let completed = 0;
  let failed = 0;
  const start = performance.now();
  const end = start + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        try {
          await fn();
          completed++;
        } catch {
          failed++;
        }
      }
    }),
  );
  return { completed, failed, elapsedMs: performance.now() - start };
}

/** Runs `fn` exactly `total` times from `concurrency` loops. */
export async function runCount(
  total: number,
  concurrency: number,
  fn: () => Promise<unknown>,
): Promise<{ succeeded: number; failed: number; elapsedMs: number }> {
  let next = 0;
  let succeeded = 0;
  let failed = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, async () => {
      while (next < total) {
        next++;
        try {
          await fn();
          succeeded++;
        } catch {
          failed++;
        }
      }
    }),
  );
  return { succeeded, failed, elapsedMs: performance.now() - start };
}
