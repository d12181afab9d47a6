import { describe, expect, it } from 'vitest';
import { AppErrors } from '../../test/fixtures/app-errors.js';
import { errorEntriesIn, exportCatalog } from './catalog-export.js';
import { catalogJson, catalogModule } from './catalog-module.js';
import { BuiltInErrors, defineErrors } from './error-catalog.js';

const MoreErrors = defineErrors({
  MOVE_FAILED: {
    code: 20002,
    status: 409,
    messages: { en: 'Cannot move {item}', 'zh-CN': '无法移动到 {target}' },
  },
  QUOTED: { code: 20001, status: 400, messages: { en: `It's "quoted" \\ {x}\n` } },
});

describe('exportCatalog', () => {
  it('lists the app entries and the built-in ones, in code order', () => {
    const errors = exportCatalog([AppErrors, MoreErrors]);
    const codes = errors.map((error) => error.code);
    expect(codes).toEqual(codes.toSorted((a, b) => a - b));
    expect(errors).toHaveLength(Object.keys(BuiltInErrors).length + 7);
    expect(errors.find((error) => error.reason === 'NOT_FOUND')).toEqual({
      reason: 'NOT_FOUND',
      code: 404,
      status: 404,
      builtIn: true,
      params: [],
      messages: { en: 'Not found', 'zh-CN': '资源不存在' },
    });
  });

  it('gives each entry its placeholders of all locales and its locales, sorted', () => {
    const [moveFailed] = exportCatalog([MoreErrors], { builtIn: false }).filter(
      (error) => error.reason === 'MOVE_FAILED',
    );
    expect(moveFailed).toEqual({
      reason: 'MOVE_FAILED',
      code: 20002,
      status: 409,
      builtIn: false,
      params: ['item', 'target'],
      messages: { en: 'Cannot move {item}', 'zh-CN': '无法移动到 {target}' },
    });
    expect(Object.keys(moveFailed!.messages)).toEqual(['en', 'zh-CN']);
  });

  it('leaves the built-in entries out when asked', () => {
    const errors = exportCatalog([AppErrors], { builtIn: false });
    expect(errors.map((error) => error.reason)).toEqual(Object.keys(AppErrors));
  });

  it('applies the texts the module is given, as clients get them', () => {
    const errors = exportCatalog([AppErrors], {
      messages: { NOT_FOUND: { en: 'Nothing here', fr: 'Rien ici' }, ENGLISH_ONLY: { de: 'Nur {x}' } },
    });
    const reason = (name: string) => errors.find((error) => error.reason === name);
    expect(reason('NOT_FOUND')!.messages).toEqual({
      en: 'Nothing here',
      fr: 'Rien ici',
      'zh-CN': '资源不存在',
    });
    expect(reason('ENGLISH_ONLY')).toMatchObject({
      params: ['x'],
      messages: { de: 'Nur {x}', en: 'Only in English' },
    });
  });

  it('refuses a catalog the module would refuse', () => {
    const clash = defineErrors({ USER_GONE: { code: 10001, status: 410, messages: { en: 'Gone' } } });
    expect(() => exportCatalog([AppErrors, clash])).toThrow(
      'Error catalog: code 10001 is used by both USER_NOT_FOUND and USER_GONE.',
    );
  });
});

describe('errorEntriesIn', () => {
  it("collects the entries of a module's defineErrors results and lone entries, each once", () => {
    const found = errorEntriesIn({
      MoreErrors,
      AppErrors,
      moved: MoreErrors.MOVE_FAILED,
      default: AppErrors,
      BuiltInErrors,
      notFound: BuiltInErrors.NOT_FOUND,
      count: 3,
      helper: () => AppErrors,
      empty: {},
      mixed: { a: AppErrors.ORDER_LOCKED, b: 1 },
      nothing: null,
    });
    expect(found.toSorted((a, b) => a.code - b.code)).toEqual(
      [...Object.values(AppErrors), ...Object.values(MoreErrors)].toSorted((a, b) => a.code - b.code),
    );
  });

  it('finds nothing in a module without errors', () => {
    expect(errorEntriesIn({ value: 1, entryLike: { reason: 'X', code: 1 } })).toEqual([]);
  });
});

describe('catalogJson and catalogModule', () => {
  it('write the same bytes whatever the order the entries come in', () => {
    const one = exportCatalog([AppErrors, MoreErrors]);
    const other = exportCatalog([MoreErrors, ...Object.values(AppErrors).toReversed()]);
    expect(catalogJson(other)).toBe(catalogJson(one));
    expect(catalogModule(other)).toBe(catalogModule(one));
  });

  it('write JSON keyed by reason, in code order', () => {
    const errors = exportCatalog([MoreErrors], { builtIn: false });
    const json = catalogJson(errors);
    expect(json.endsWith('}\n')).toBe(true);
    expect(Object.keys(JSON.parse(json) as object)).toEqual(['QUOTED', 'MOVE_FAILED']);
    expect(JSON.parse(json)).toEqual({ QUOTED: errors[0], MOVE_FAILED: errors[1] });
  });

  it('write a module whose literals hold the texts exactly', () => {
    const source = catalogModule(exportCatalog([MoreErrors], { builtIn: false }));
    expect(source).toContain("export type ErrorReason =\n  | 'QUOTED'\n  | 'MOVE_FAILED';");
    expect(source).toContain("en: 'It\\'s \"quoted\" \\\\ {x}\\n',");
    expect(source).toContain("'zh-CN': '无法移动到 {target}',");
    expect(source).toContain("  20002: 'MOVE_FAILED',");
  });

  it('write an empty catalog as never', () => {
    const source = catalogModule([]);
    expect(source).toContain('export type ErrorReason = never;');
    expect(source).toContain('export const ERRORS = {\n} as const');
  });
});
