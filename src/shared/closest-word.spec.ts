import { describe, expect, it } from 'vitest';
import { closest } from './closest-word.js';

const KNOWN = ['requestIdHeader', 'retries', 'baseURL', 'format', 'locales', 'defaultLocale', 'log'];

describe('closest', () => {
  it.each([
    ['requestIdHeadr', 'requestIdHeader'],
    ['requestidheader', 'requestIdHeader'],
    ['RequestIdHeader', 'requestIdHeader'],
    ['retires', 'retries'],
    ['baseUrl', 'baseURL'],
    ['fromat', 'format'],
    ['locale', 'locales'],
    ['defaultlocal', 'defaultLocale'],
    ['lg', 'log'],
  ])('takes %s for a slip of %s', (word, meant) => {
    expect(closest(word, KNOWN)).toBe(meant);
  });

  it.each(['colour', 'timeout', 'info', 'x', ''])('finds nothing near %s', (word) => {
    expect(closest(word, KNOWN)).toBeUndefined();
  });

  it('does not measure a very long word', () => {
    expect(closest('r'.repeat(10_000), KNOWN)).toBeUndefined();
  });
});
