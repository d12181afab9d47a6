import { describe, expect, it } from 'vitest';
import { formatDeadlineHeader, parseDeadlineHeader } from './deadline-header.js';

describe('parseDeadlineHeader', () => {
  it.each([
    ['1500m', 1500],
    ['2S', 2000],
    ['1M', 60_000],
    ['1H', 3_600_000],
    ['2500u', 2.5],
    ['3000000n', 3],
    ['0m', 0],
    ['99999999m', 99_999_999],
    ['1500', 1500],
    ['0', 0],
  ])('reads %s as %s ms', (value, ms) => {
    expect(parseDeadlineHeader(value)).toBe(ms);
  });

  it.each([
    ['a unit gRPC does not have', '15s'],
    ['more than 8 digits with a unit', '123456789m'],
    ['more than 10 digits of milliseconds', '12345678901'],
    ['a sign', '-1m'],
    ['a plus sign', '+100'],
    ['a fraction', '1.5S'],
    ['spaces', '100 m'],
    ['a list', '100m, 200m'],
    ['no digits', 'm'],
    ['an empty value', ''],
    ['words', 'soon'],
    ['a repeated header', ['100m', '200m']],
    ['no header', undefined],
  ])('ignores %s', (_what, value) => {
    expect(parseDeadlineHeader(value)).toBeUndefined();
  });
});

describe('formatDeadlineHeader', () => {
  it('writes gRPC milliseconds in grpc-timeout, whatever its case', () => {
    expect(formatDeadlineHeader('grpc-timeout', 1500)).toBe('1500m');
    expect(formatDeadlineHeader('Grpc-Timeout', 1)).toBe('1m');
  });

  it('writes whole seconds past gRPC’s 8 digits, never more than was granted', () => {
    expect(formatDeadlineHeader('grpc-timeout', 99_999_999)).toBe('99999999m');
    expect(formatDeadlineHeader('grpc-timeout', 2_147_483_647)).toBe('2147483S');
  });

  it('writes whole milliseconds in any other header', () => {
    expect(formatDeadlineHeader('x-envoy-expected-rq-timeout-ms', 1500)).toBe('1500');
    expect(formatDeadlineHeader('X-Request-Timeout', 2_147_483_647)).toBe('2147483647');
  });

  it('rounds down and never writes a negative time', () => {
    expect(formatDeadlineHeader('grpc-timeout', 12.9)).toBe('12m');
    expect(formatDeadlineHeader('x-timeout', -5)).toBe('0');
  });

  it('reads back what it writes', () => {
    for (const ms of [0, 1, 999, 1500, 99_999_999]) {
      expect(parseDeadlineHeader(formatDeadlineHeader('grpc-timeout', ms))).toBe(ms);
      expect(parseDeadlineHeader(formatDeadlineHeader('x-timeout', ms))).toBe(ms);
    }
  });
});
