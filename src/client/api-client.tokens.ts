import { Inject } from '@nestjs/common';
import { ApiClient } from './api-client.js';
import { DEFAULT_CLIENT } from './api-client.options.js';

/** The injection token of a client: the `ApiClient` class for the default one. */
export function getApiClientToken(name: string = DEFAULT_CLIENT): string | typeof ApiClient {
  return name === DEFAULT_CLIENT ? ApiClient : `nestjs-faultline:ApiClient:${name}`;
}

/**
 * Injects a named client registered through `clients` (the default client
 * is injected by its class, `ApiClient`):
 *
 * ```ts
 * constructor(@InjectApiClient('payments') private readonly payments: ApiClient) {}
 * ```
 */
export const InjectApiClient = (name?: string): ParameterDecorator & PropertyDecorator =>
  Inject(getApiClientToken(name));
