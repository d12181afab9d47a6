import { type ArgumentsHost, Logger, type LoggerService } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppErrors } from '../../test/fixtures/app-errors.js';
import { DomainException } from '../core/domain.exception.js';
import { ErrorEnvelopeFilter, STALE_HEADERS } from './error-envelope.filter.js';
import { resolveInboundOptions } from './errors.options-resolver.js';

/** A response that keeps its headers in a map, and says which of its methods ran. */
class HeaderStore {
  readonly headers = new Map<string, unknown>();
  readonly removed: string[] = [];
  status = 0;
  body = '';
  constructor(names: string[]) {
    for (const name of names) this.headers.set(name, 'x');
  }
  hasHeader(name: string): boolean {
    return this.headers.has(name);
  }
  removeHeader(name: string): void {
    this.removed.push(name);
    this.headers.delete(name);
  }
}

/** The same store with a copy of its headers to read, as Node's and Fastify's responses have. */
class CopyingHeaderStore extends HeaderStore {
  getHeaders(): Record<string, unknown> {
    return Object.fromEntries(this.headers);
  }
}

/** An adapter that is neither Express nor Fastify: the filter answers through `reply`. */
const adapter = {
  getType: () => 'other',
  isHeadersSent: () => false,
  getInstance: () => undefined,
  setHeader: (response: HeaderStore, name: string, value: string) => response.headers.set(name, value),
  reply: (response: HeaderStore, body: string, status: number) => {
    response.body = body;
    response.status = status;
  },
};

function httpHost(response: HeaderStore): ArgumentsHost {
  const request = { method: 'GET', url: '/users/7', headers: {} };
  return {
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
  } as unknown as ArgumentsHost;
}

function answer(response: HeaderStore): void {
  const adapterHost = new HttpAdapterHost();
  adapterHost.httpAdapter = adapter as unknown as HttpAdapterHost['httpAdapter'];
  const filter = new ErrorEnvelopeFilter(resolveInboundOptions({ errors: [AppErrors] }), adapterHost);
  filter.catch(new DomainException(AppErrors.USER_NOT_FOUND, { params: { id: '7' } }), httpHost(response));
}

/** Both ways a response can tell its headers, each made with `names` set. */
const RESPONSES: [string, (names: string[]) => HeaderStore][] = [
  ['a copy of its headers', (names) => new CopyingHeaderStore(names)],
  ['only hasHeader', (names) => new HeaderStore(names)],
];

describe('the headers that described a body that is not sent', () => {
  const installed = (Logger as unknown as { staticInstanceRef?: LoggerService }).staticInstanceRef;
  beforeEach(() => {
    Logger.overrideLogger(false);
  });
  afterEach(() => {
    Logger.overrideLogger(installed ?? false);
  });

  it.each(RESPONSES)('are all dropped from a response with %s, and the others kept', (_, make) => {
    // the documented list; the e2e test names the headers itself, on Express and Fastify
    const response = make([...STALE_HEADERS, 'vary', 'x-kept']);
    answer(response);

    expect(response.status).toBe(404);
    expect(JSON.parse(response.body)).toMatchObject({ code: 10001, reason: 'USER_NOT_FOUND' });
    expect(response.removed.toSorted()).toEqual(STALE_HEADERS.toSorted());
    expect([...response.headers.keys()].toSorted()).toEqual([
      // spelt as configured: only Fastify's reply is given it lowercased
      'X-Request-Id',
      'cache-control',
      'content-language',
      'content-type',
      'vary',
      'x-kept',
    ]);
  });

  it.each(RESPONSES)('are removed only where present, from a response with %s', (_, make) => {
    const response = make(['etag', 'content-length']);
    answer(response);

    expect(response.removed.toSorted()).toEqual(['content-length', 'etag']);
  });
});
