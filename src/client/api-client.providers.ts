import type { Provider } from '@nestjs/common';
import { ApiClient } from './api-client.js';
import { DEFAULT_CLIENT, type ResolvedApiClientOptions } from './api-client.options.js';
import { getApiClientToken } from './api-client.tokens.js';

/** Injection token of every client's resolved options, by name (`default` included). */
export const RESOLVED_CLIENT_OPTIONS = Symbol.for('nestjs-faultline.resolved-client-options');

/** Resolved options of the clients, by name. */
export type ResolvedClients = Readonly<Record<string, ResolvedApiClientOptions>>;

/**
 * The client's own providers: the default `ApiClient` and one per name, each
 * made from {@link RESOLVED_CLIENT_OPTIONS}, which the importing module provides.
 */
export function apiClientProviders(names: readonly string[]): Provider[] {
  return [...new Set([DEFAULT_CLIENT, ...names])].map((name) => ({
    provide: getApiClientToken(name),
    inject: [RESOLVED_CLIENT_OPTIONS],
    useFactory: (clients: ResolvedClients) => {
      const options = clients[name];
      if (!options) {
        throw new Error(
          `ErrorsModule: client '${name}' is named in clientNames but has no options in clients.`,
        );
      }
      return new ApiClient(options);
    },
  }));
}
