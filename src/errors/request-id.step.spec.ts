import type { HttpServer } from '@nestjs/common';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { installRequestIdStep } from './request-id.step.js';

const EXPRESS_FIELDS = ['next', 'baseUrl', 'originalUrl', '_parsedUrl', 'params', 'body', 'route'];
// V8 13 came with Node 24; the fields are given only where V8 rebuilds hidden classes after a prototype switch
const v8Major = Number(process.versions.v8.split('.')[0]);

/** Express as the step sees it: an app whose `handle` dispatches each request. */
function expressLike(seen: (req: IncomingMessage, res: ServerResponse) => void) {
  const app = {
    handle(req: IncomingMessage, res: ServerResponse) {
      seen(req, res);
    },
    use() {},
  };
  const adapter = { getType: () => 'express', getInstance: () => app } as unknown as HttpServer;
  return { app, adapter };
}

function pair(): [IncomingMessage, ServerResponse] {
  const req = new IncomingMessage(new Socket());
  return [req, new ServerResponse(req)];
}

describe.each([
  ['the defaults', false],
  ['asyncContext', true],
])('the Express request id step (%s)', (_name, asyncContext) => {
  const options = { requestIdHeader: 'X-Request-Id', trustRequestId: true, asyncContext };

  it(`gives Express' fields before its dispatch ${v8Major < 13 ? 'on this V8' : 'only before V8 13'}`, () => {
    let own: string[] = [];
    let locals = false;
    let statusCode = false;
    const { app, adapter } = expressLike((req, res) => {
      own = Object.keys(req);
      locals = Object.hasOwn(res, 'locals');
      statusCode = Object.hasOwn(res, 'statusCode');
    });
    installRequestIdStep(adapter, options);
    const [req, res] = pair();
    app.handle(req, res);
    for (const field of EXPRESS_FIELDS) expect(own.includes(field)).toBe(v8Major < 13);
    expect(locals).toBe(v8Major < 13);
    expect(statusCode).toBe(v8Major < 13);
    expect(res.statusCode).toBe(200);
    expect(res.getHeader('x-request-id')).toBeTypeOf('string');
  });

  it('keeps what a wrapper in front of Express set', () => {
    let body: unknown;
    let locals: unknown;
    const { app, adapter } = expressLike((req, res) => {
      body = (req as unknown as { body: unknown }).body;
      locals = (res as unknown as { locals: unknown }).locals;
    });
    installRequestIdStep(adapter, options);
    const [req, res] = pair();
    Object.assign(req, { body: { from: 'wrapper' } });
    Object.assign(res, { locals: { user: 'ada' } });
    app.handle(req, res);
    expect(body).toEqual({ from: 'wrapper' });
    expect(locals).toEqual({ user: 'ada' });
  });
});
