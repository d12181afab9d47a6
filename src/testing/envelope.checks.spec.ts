import { describe, expect, it } from 'vitest';
import { checkAnswer, ENVELOPE_FORMAT, PROBLEM_FORMAT } from './envelope.checks.js';
import { readResponse, toHttpAnswer, type HttpAnswer } from './http-answer.js';
import { matches, show } from './expected-values.js';

const BODY = {
  code: 10001,
  reason: 'USER_NOT_FOUND',
  message: 'User 42 not found',
  details: { id: '42' },
  requestId: 'req-1',
  timestamp: '2026-11-22T10:00:00.000Z',
  path: '/users/42',
};
const HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'x-request-id': 'req-1',
  'cache-control': 'no-store',
  'content-language': 'en',
};
const answer = (
  body: unknown = BODY,
  headers: Record<string, string> = HEADERS,
  status = 404,
): HttpAnswer => ({
  status,
  headers,
  body,
});

describe('toHttpAnswer', () => {
  it('reads supertest, light-my-request and plain answers alike', () => {
    const text = JSON.stringify(BODY);
    const supertest = { status: 404, statusCode: 404, headers: HEADERS, body: BODY, text };
    const inject = {
      statusCode: 404,
      headers: { ...HEADERS, 'content-length': 120 },
      payload: text,
      body: text,
    };
    const plain = { status: 404, headers: HEADERS, body: BODY };
    const bytes = { status: 404, headers: HEADERS, body: Buffer.from(text) };
    for (const received of [supertest, inject, plain, bytes]) {
      expect(toHttpAnswer(received)).toMatchObject({ status: 404, body: BODY, headers: HEADERS });
    }
    expect(toHttpAnswer(inject)).toMatchObject({ headers: { 'content-length': '120' } });
  });

  it('lower-cases header names, joins lists and reads Headers objects', () => {
    const headers = new Headers({ 'X-Request-Id': 'req-1' });
    expect(toHttpAnswer({ status: 404, headers, body: BODY })).toMatchObject({
      headers: { 'x-request-id': 'req-1' },
    });
    expect(toHttpAnswer({ status: 404, headers: { Vary: ['a', 'b'] } })).toMatchObject({
      headers: { vary: 'a, b' },
    });
  });

  it('keeps a body that is not JSON as text', () => {
    expect(toHttpAnswer({ status: 500, headers: {}, text: '<html>oops' })).toEqual({
      status: 500,
      headers: {},
      body: undefined,
      text: '<html>oops',
    });
  });

  it('says why something is no answer', () => {
    expect(toHttpAnswer(undefined)).toBe(
      'expected an HTTP answer ({ status, headers, body }), received undefined',
    );
    expect(toHttpAnswer({ headers: {} })).toMatch(/numeric status \(or statusCode\)/);
    expect(toHttpAnswer({ status: 404 })).toBe('expected the answer to have headers');
    const fetched = new Response('{}', { status: 404 });
    expect(toHttpAnswer(fetched)).toMatch(/fetch Response.*await readResponse\(res\)/);
  });

  it('reads a fetch Response through readResponse', async () => {
    const response = new Response(JSON.stringify(BODY), { status: 404, headers: HEADERS });
    expect(await readResponse(response)).toEqual({
      status: 404,
      headers: HEADERS,
      body: BODY,
      text: JSON.stringify(BODY),
    });
  });
});

describe('checkAnswer', () => {
  it('finds nothing wrong with a well-formed envelope that meets the expectation', () => {
    expect(checkAnswer(answer(), ENVELOPE_FORMAT, {})).toEqual([]);
    expect(
      checkAnswer(answer(), ENVELOPE_FORMAT, {
        entry: { code: 10001, reason: 'USER_NOT_FOUND', status: 404 },
        message: /not found/,
        details: { id: expect.any(String) },
        requestId: 'req-1',
        path: '/users/42',
        locale: 'en',
      }),
    ).toEqual([]);
  });

  it('checks the members: each required one, their types, and no others', () => {
    const { code: _code, ...withoutCode } = BODY;
    const body = {
      ...withoutCode,
      reason: 'user not found',
      timestamp: '22/11/2026',
      path: '/u?x=1',
      details: 'id',
      trace: 1,
    };
    expect(checkAnswer(answer(body), ENVELOPE_FORMAT, {})).toEqual([
      'code: missing',
      'reason: expected an upper-case name, received "user not found"',
      'timestamp: expected an ISO 8601 UTC time, received "22/11/2026"',
      'path: expected a path without query, received "/u?x=1"',
      'details: expected an object, received "id"',
      'trace: not a member of the error envelope',
    ]);
    const errors = [{ field: 'name', pointer: '/name', constraint: 'min' }];
    expect(checkAnswer(answer({ ...BODY, errors }), ENVELOPE_FORMAT, {})).toEqual([
      'errors: expected a non-empty list of { field, pointer, constraint, message }, received [{"field":"name","pointer":"/name","constraint":"min"}]',
    ]);
  });

  it('checks status, content type and the headers every error answer carries', () => {
    const headers = { 'content-type': 'application/json; charset=latin1' };
    expect(checkAnswer(answer(BODY, headers, 200), ENVELOPE_FORMAT, {})).toEqual([
      'status: expected an error status (4xx or 5xx), received 200',
      'content-type: expected application/json; charset=utf-8, received "application/json; charset=latin1"',
      'X-Request-Id header: missing',
      'cache-control: expected no-store, received undefined',
      'content-language: missing',
    ]);
    expect(
      checkAnswer(answer(BODY, { ...HEADERS, 'content-type': 'application/json' }), ENVELOPE_FORMAT, {}),
    ).toEqual([]);
    expect(checkAnswer(answer(), ENVELOPE_FORMAT, { locale: 'zh-CN' })).toEqual([
      'content-language: expected "zh-CN", received "en"',
    ]);
  });

  it('stops at a body that is no JSON object, showing what it was', () => {
    const html = {
      status: 502,
      headers: { ...HEADERS, 'content-type': 'text/html' },
      body: undefined,
      text: '<h1>Bad Gateway</h1>',
    };
    expect(checkAnswer(html, ENVELOPE_FORMAT, {})).toEqual([
      'content-type: expected application/json; charset=utf-8, received "text/html"',
      'body: expected a JSON object, received "<h1>Bad Gateway</h1>"',
    ]);
    expect(checkAnswer(answer([BODY]), ENVELOPE_FORMAT, {})).toEqual([
      expect.stringMatching(/^body: expected a JSON object, received \[/),
    ]);
  });

  it('lets explicit members win over the entry, and asks for no details or errors with undefined', () => {
    const entry = { code: 10001, reason: 'USER_NOT_FOUND', status: 404 };
    expect(checkAnswer(answer(), ENVELOPE_FORMAT, { entry, status: 404, code: 10001 })).toEqual([]);
    expect(checkAnswer(answer(), ENVELOPE_FORMAT, { entry, code: 1 })).toEqual([
      'code: expected 1, received 10001',
    ]);
    expect(checkAnswer(answer(), ENVELOPE_FORMAT, { details: undefined, errors: undefined })).toEqual([
      'details: expected none, received {"id":"42"}',
    ]);
  });

  it('checks problem details, whose status member must be the HTTP status', () => {
    const problem = {
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'User 42 not found',
      instance: '/users/42',
      code: 10001,
      reason: 'USER_NOT_FOUND',
      requestId: 'req-1',
    };
    const headers = { ...HEADERS, 'content-type': 'application/problem+json; charset=utf-8' };
    expect(
      checkAnswer(answer(problem, headers), PROBLEM_FORMAT, { type: 'about:blank', detail: /42/ }),
    ).toEqual([]);
    expect(
      checkAnswer(answer({ ...problem, status: 400, message: 'x' }, headers), PROBLEM_FORMAT, {}),
    ).toEqual([
      'message: not a member of the problem details answer',
      'status member: expected the HTTP status 404, received 400',
    ]);
  });

  it('reads the request id from the header the app names, or not at all', () => {
    const headers = { ...HEADERS, 'x-request-id': 'other' };
    expect(checkAnswer(answer(BODY, headers), ENVELOPE_FORMAT, {})).toEqual([
      'X-Request-Id header: "other" is not the body\'s requestId "req-1"',
    ]);
    expect(checkAnswer(answer(BODY, headers), ENVELOPE_FORMAT, { requestIdHeader: false })).toEqual([]);
    expect(
      checkAnswer(answer(BODY, { ...headers, 'x-trace': 'req-1' }), ENVELOPE_FORMAT, {
        requestIdHeader: 'X-Trace',
      }),
    ).toEqual([]);
  });
});

describe('matches and show', () => {
  it('compares as toEqual does, with regular expressions and asymmetric matchers', () => {
    expect(matches({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(matches({ a: [1, { b: 'x' }] }, { a: [1, { b: /x/ }] })).toBe(true);
    expect(matches({ a: 1, extra: 2 }, { a: 1 })).toBe(false);
    expect(matches([1, 2], [1])).toBe(false);
    expect(matches({ 0: 1 }, [1])).toBe(false);
    expect(matches('abc', expect.stringContaining('b'))).toBe(true);
    expect(matches(42, /42/)).toBe(false);
    expect(matches(Number.NaN, Number.NaN)).toBe(true);
  });

  it('shows values on one line, matchers and expressions as themselves, long ones cut', () => {
    expect(show({ message: /x/, id: expect.any(String), n: 1n })).toBe(
      '{"message":/x/,"id":Any<String>,"n":"1n"}',
    );
    expect(show('a\nb')).toBe('"a\\nb"');
    expect(show('x'.repeat(400))).toHaveLength(301);
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(show(cyclic)).toBe('[object Object]');
    const jestLike = { asymmetricMatch: () => true, sample: /nope/, toString: () => 'StringMatching' };
    expect(show({ message: jestLike })).toBe('{"message":StringMatching /nope/}');
  });
});
