import { AxiosError } from 'axios';
import { describe, expect, it } from 'vitest';
import { attemptErrorType, httpTarget, serverOf } from './http-attributes.js';

describe('httpTarget', () => {
  it('names spans by method and gives spans and measurements the conventions’ attributes', () => {
    const target = httpTarget('payments', 'POST', 'https://pay.example.com/charges?token=***', 'req-1');
    expect(target.spanName).toBe('POST');
    expect(target.metricAttributes).toEqual({
      'http.request.method': 'POST',
      'nestjs_faultline.client.name': 'payments',
      'server.address': 'pay.example.com',
      'server.port': 443,
    });
    expect(target.spanAttributes).toEqual({
      ...target.metricAttributes,
      'url.full': 'https://pay.example.com/charges?token=***',
      'nestjs_faultline.request_id': 'req-1',
    });
  });

  it('calls a method the conventions do not know _OTHER, keeping the original on spans only', () => {
    const target = httpTarget('default', 'PURGE', 'http://cache.local:8080/x', undefined);
    expect(target.spanName).toBe('HTTP');
    expect(target.metricAttributes['http.request.method']).toBe('_OTHER');
    expect(target.metricAttributes).not.toHaveProperty('http.request.method_original');
    expect(target.spanAttributes).toMatchObject({
      'http.request.method': '_OTHER',
      'http.request.method_original': 'PURGE',
    });
    expect(target.spanAttributes).not.toHaveProperty('nestjs_faultline.request_id');
  });

  it('leaves the server out of a URL that is not absolute', () => {
    const target = httpTarget('default', 'GET', '/relative?***', undefined);
    expect(target.metricAttributes).not.toHaveProperty('server.address');
    expect(target.spanAttributes['url.full']).toBe('/relative?***');
  });
});

describe('serverOf', () => {
  it.each([
    ['http://127.0.0.1:3000/x', { address: '127.0.0.1', port: 3000 }],
    ['http://api.example.com/x', { address: 'api.example.com', port: 80 }],
    ['https://api.example.com', { address: 'api.example.com', port: 443 }],
    ['http://[::1]:8080/', { address: '::1', port: 8080 }],
  ])('reads %s', (url, server) => {
    expect(serverOf(url)).toEqual(server);
  });

  it.each(['/x', 'not a url', 'file:///etc/hosts'])('has none for %s', (url) => {
    expect(serverOf(url)).toBeUndefined();
  });
});

function answered(status: number): AxiosError {
  return new AxiosError('failed', AxiosError.ERR_BAD_RESPONSE, undefined, undefined, {
    status,
    statusText: '',
    headers: {},
    config: {} as never,
    data: undefined,
  });
}

describe('attemptErrorType', () => {
  it('is the status of an error answer', () => {
    expect(attemptErrorType(answered(503))).toBe('503');
    expect(attemptErrorType(answered(404))).toBe('404');
  });

  it('is the code of a failure without an error answer', () => {
    expect(attemptErrorType(new AxiosError('reset', 'ECONNRESET'))).toBe('ECONNRESET');
    expect(attemptErrorType(answered(302))).toBe(AxiosError.ERR_BAD_RESPONSE);
  });

  it('is the class of an error without a code, else _OTHER', () => {
    expect(attemptErrorType(new TypeError('bad'))).toBe('TypeError');
    expect(attemptErrorType(new Error('plain'))).toBe('_OTHER');
    expect(attemptErrorType('thrown string')).toBe('_OTHER');
    expect(attemptErrorType(null)).toBe('_OTHER');
  });
});
