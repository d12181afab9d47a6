/**
 * An axios adapter over undici, Node's own HTTP client: the axios API (and
 * axios-retry, and HttpService) on a faster transport. It keeps the axios
 * behaviours a client relies on — bodies, response types, decompression,
 * size limits, timeouts and cancellation with axios' error codes, redirects,
 * TLS options, validateStatus — and gives network errors the Node codes the
 * retry policy classifies (ECONNRESET, ECONNREFUSED, TLS codes, ...).
 */
import { type AxiosAdapter, getAdapter, type InternalAxiosRequestConfig } from 'axios';
import type { Agent as HttpsAgent } from 'node:https';
import { Agent } from 'undici';
import { DEFAULT_UNDICI_TRANSPORT, type UndiciTransportOptions } from '../api-client.options.js';
import { nodeTransport } from '../node-transport.js';
import { sendAttempt } from './attempt-dispatch.js';
import { needsNodeAdapter } from './outgoing-request.js';
import { BaseUrlCache } from './request-target.js';

/**
 * Makes the adapter; its connection pools and the base URLs it has parsed
 * live as long as it does (see `close`).
 */
export function createUndiciAdapter(
  options: UndiciTransportOptions = {},
): AxiosAdapter & { close(): Promise<void> } {
  const settings = { ...DEFAULT_UNDICI_TRANSPORT, ...options };
  const poolOptions = { connections: settings.connections, keepAliveTimeout: settings.keepAliveTimeoutMs };
  const plain = new Agent(poolOptions);
  const secured = new WeakMap<object, Agent>();
  const pools = new Set<Agent>([plain]);
  const dispatcherFor = (config: InternalAxiosRequestConfig): Agent => {
    const https = config.httpsAgent as (HttpsAgent & { options?: Record<string, unknown> }) | undefined;
    if (!https?.options) return plain;
    let agent = secured.get(https);
    if (!agent) {
      const { ca, cert, key, pfx, passphrase, rejectUnauthorized, servername } = https.options;
      agent = new Agent({
        ...poolOptions,
        connect: { ca, cert, key, pfx, passphrase, rejectUnauthorized, servername } as never,
      });
      secured.set(https, agent);
      pools.add(agent);
    }
    return agent;
  };
  const node = nodeTransport(getAdapter('http'));
  const bases = new BaseUrlCache();
  const adapter = ((config: InternalAxiosRequestConfig) =>
    needsNodeAdapter(config)
      ? node(config)
      : sendAttempt(config, dispatcherFor(config), node, bases)) as AxiosAdapter & {
    close(): Promise<void>;
  };
  adapter.close = async () => {
    await Promise.all([...pools].map((pool) => pool.close()));
  };
  return adapter;
}
