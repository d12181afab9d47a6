import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS, createTestApp } from './fixtures/test-app.js';

/** A body that breaks one constraint per property of EveryConstraintDto. */
const BROKEN = {
  notEmpty: '',
  string: 5,
  int: 1.5,
  number: 'x',
  boolean: 'yes',
  email: 'x',
  url: 'x',
  uuid: 'x',
  color: 'green',
  date: 'x',
  minLength: 'ab',
  maxLength: 'abc',
  length: 'ab',
  min: 1,
  max: 5,
  arrayMin: [1],
  arrayMax: [1, 2],
  matches: 'ABC',
  nested: 5,
  extra: 1,
};

// field, constraint, zh-CN, en
const EXPECTED: [string, string, string, string][] = [
  ['notEmpty', 'isNotEmpty', '不能为空', 'must not be empty'],
  ['defined', 'isDefined', '必须提供', 'must be provided'],
  ['string', 'isString', '必须是字符串', 'must be a string'],
  ['int', 'isInt', '必须是整数', 'must be an integer'],
  ['number', 'isNumber', '必须是数字', 'must be a number'],
  ['boolean', 'isBoolean', '必须是布尔值', 'must be a boolean'],
  ['email', 'isEmail', '必须是合法的邮箱地址', 'must be a valid email address'],
  ['url', 'isUrl', '必须是合法的 URL', 'must be a valid URL'],
  ['uuid', 'isUuid', '必须是合法的 UUID', 'must be a valid UUID'],
  ['color', 'isEnum', '必须是以下值之一：red, blue', 'must be one of: red, blue'],
  ['date', 'isDateString', '必须是合法的 ISO 8601 日期', 'must be a valid ISO 8601 date'],
  ['minLength', 'minLength', '长度不能少于 3', 'must be at least 3 characters long'],
  ['maxLength', 'maxLength', '长度不能超过 2', 'must be at most 2 characters long'],
  ['length', 'isLength', '长度必须在 3 到 5 之间', 'must be between 3 and 5 characters long'],
  ['min', 'min', '不能小于 10', 'must not be less than 10'],
  ['max', 'max', '不能大于 1', 'must not be greater than 1'],
  ['arrayMin', 'arrayMinSize', '至少需要 2 项', 'must contain at least 2 items'],
  ['arrayMax', 'arrayMaxSize', '最多只能有 1 项', 'must contain at most 1 items'],
  ['matches', 'matches', '格式不正确', 'has an invalid format'],
  ['nested', 'nestedValidation', '必须是对象或数组', 'must be an object or an array'],
  ['extra', 'whitelistValidation', '是不允许的字段', 'is not an allowed field'],
];

describe.each(ADAPTERS)('constraint messages in both languages (%s)', (adapter) => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createTestApp(adapter);
  });
  afterAll(async () => {
    await app.close();
  });

  it.each([
    ['zh-CN', 2],
    ['en', 3],
  ] as const)('%s', async (locale, column) => {
    const res = await request(app.getHttpServer())
      .post('/constraints')
      .set('Accept-Language', locale)
      .send(BROKEN);
    expect(res.status).toBe(400);
    const errors = res.body.errors as { field: string; constraint: string; message: string }[];
    expect(errors).toHaveLength(EXPECTED.length);
    for (const row of EXPECTED) {
      expect(errors).toContainEqual({
        field: row[0],
        pointer: `/${row[0]}`,
        constraint: row[1],
        message: row[column],
      });
    }
  });
});
