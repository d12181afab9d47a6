import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMessage } from './i18n/locale.js';
import { placeholdersOf } from './placeholders.js';

/** The names formatMessage looks up in params that hold every name: the placeholders it fills. */
function namesFilled(template: string): string[] {
  const asked: string[] = [];
  const params = new Proxy(
    {},
    {
      getOwnPropertyDescriptor(_target, name) {
        if (typeof name === 'string' && !asked.includes(name)) asked.push(name);
        return { value: 'x', enumerable: true, configurable: true };
      },
      get: () => 'x',
    },
  );
  formatMessage(template, params);
  return asked;
}

describe('placeholdersOf', () => {
  it('lists names once, in order of first appearance', () => {
    expect(placeholdersOf('用户 {id} 不存在')).toEqual(['id']);
    expect(placeholdersOf('{b} and {a}, then {b}')).toEqual(['b', 'a']);
    expect(placeholdersOf('no placeholder')).toEqual([]);
  });

  it('skips what is not a name, as the formatter does', () => {
    expect(placeholdersOf('{ id } {a-b} {} {{id}} {ok_1} {open')).toEqual(['id', 'ok_1']);
  });

  it('names exactly the placeholders formatMessage fills', () => {
    const piece = fc.constantFrom('{', '}', 'id', 'a b', '{id}', '{x_1}', '{{id}}', '用户', '', '-', '}{');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 14 }), (pieces) => {
        const template = pieces.join('');
        expect(placeholdersOf(template)).toEqual(namesFilled(template));
      }),
      { numRuns: 2000 },
    );
  });
});
