import { Body, Controller, type INestApplication, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  Validate,
  ValidateNested,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import * as fc from 'fast-check';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorsModule } from '../src/index.js';
import { expectEnvelope } from './fixtures/envelope.js';
import { LogCapture } from './fixtures/log-capture.js';
import { ADAPTERS, type AdapterName } from './fixtures/test-app.js';

class CellDto {
  @IsInt()
  v!: number;
}

class RowDto {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => CellDto)
  cells!: CellDto[];
}

class GridDto {
  @IsString()
  name!: string;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => RowDto)
  rows!: RowDto[];
}

@ValidatorConstraint({ name: 'bottomless' })
class Bottomless implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    const dive = (depth: number): number => dive(depth + 1) + 1;
    return dive(0) > 0 && value !== undefined;
  }
}

class RecursiveDto {
  @IsOptional()
  @Validate(Bottomless)
  anything?: unknown;
}

@Controller()
class GridController {
  @Post('grid')
  grid(@Body() grid: GridDto) {
    return { rows: grid.rows.length };
  }

  @Post('recursive')
  recursive(@Body() body: RecursiveDto) {
    return body;
  }
}

/** An app with the adapters' default body limits (Express 100 KB, Fastify 1 MB). */
async function createGridApp(adapter: AdapterName, logger: LogCapture): Promise<INestApplication> {
  @Module({ imports: [ErrorsModule.forRoot()], controllers: [GridController] })
  class GridModule {}
  const app = await NestFactory.create(
    GridModule,
    adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(),
    {
      logger,
      abortOnError: false,
    },
  );
  await app.init();
  if (adapter === 'fastify') await app.getHttpAdapter().getInstance().ready();
  return app;
}

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe.each(ADAPTERS)('bodies too deep, too wide or too big to validate (%s)', (adapter) => {
  let app: INestApplication;
  const logs = new LogCapture();
  const post = (path: string, body: string) =>
    request(app.getHttpServer())
      .post(path)
      .set('Content-Type', 'application/json')
      .set('Accept-Language', 'en')
      .send(body);

  beforeAll(async () => {
    app = await createGridApp(adapter, logs);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('answers 1,500 nested arrays in an unknown field (3 KB) with 400 at the offending pointer', async () => {
    const res = await post('/grid', `{"name":"g","rows":[],"extra":${nested(1500)}}`);
    expect(res.status).toBe(400);
    expect(expectEnvelope(res.body)).toMatchObject({ code: 40001, reason: 'VALIDATION_FAILED' });
    expect(res.body.errors).toEqual([
      {
        field: `extra${'[0]'.repeat(31)}`,
        pointer: `/extra${'/0'.repeat(31)}`,
        constraint: 'maxDepth',
        message: 'must not nest deeper than 32 levels',
      },
    ]);
  });

  it('answers an array longer than maxArrayLength with 400 at the array', async () => {
    const rows = Array.from({ length: 1001 }, () => '{"cells":[]}').join(',');
    const res = await post('/grid', `{"name":"g","rows":[${rows}]}`);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      {
        field: 'rows',
        pointer: '/rows',
        constraint: 'arrayMaxSize',
        message: 'must contain at most 1000 items',
      },
    ]);
  });

  it('answers more values than maxBodyNodes with 413', async () => {
    const rows = Array.from({ length: 900 }, () => '{"cells":[{"v":1},{"v":2}]}').join(',');
    const res = await post('/grid', `{"name":"g","rows":[${rows}]}`);
    expect(res.status).toBe(413);
    expect(expectEnvelope(res.body)).toMatchObject({
      code: 413,
      reason: 'PAYLOAD_TOO_LARGE',
      details: { maxBodyNodes: 5000 },
    });
  });

  it('answers a validator that overflows the stack with 400, logged once with its cause', async () => {
    logs.clear();
    const res = await post('/recursive', '{"anything":1}');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      reason: 'VALIDATION_FAILED',
      errors: [{ pointer: '', constraint: 'tooComplex' }],
    });
    const lines = logs.envelopeLines();
    expect(lines).toHaveLength(1);
    expect(lines[0]!.level).toBe('warn');
    expect(lines[0]!.message).toContain('cause: RangeError: Maximum call stack size exceeded');
  });

  it('still validates a body within every bound', async () => {
    const rows = Array.from({ length: 100 }, () => '{"cells":[{"v":1},{"v":2}]}').join(',');
    const res = await post('/grid', `{"name":"g","rows":[${rows}]}`);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ rows: 100 });
  });
});

describe.each(ADAPTERS)('hostile bodies against a nested-array DTO (%s)', (adapter) => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createGridApp(adapter, new LogCapture());
  });
  afterAll(async () => {
    await app?.close();
  });

  const MARK = 'rejected-value-7f3a';
  const hostileValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom(MARK, -0, 1e308, -1e308, '', '\u0000', '\ud800', '__proto__', 0.1),
      fc.string({ unit: 'binary', maxLength: 20 }).map((text) => `${MARK}${text}`),
      fc.array(tie('value'), { maxLength: 5 }),
      fc.dictionary(
        // keys are named in field errors; values never are
        fc.constantFrom('__proto__', 'constructor', 'prototype', 'v', 'cells', 'rows', 'name', 'x.y', '~/'),
        tie('value'),
        { maxKeys: 5 },
      ),
    ),
  })).value;

  const hostileBody = fc.oneof(
    hostileValue.map((value) => JSON.stringify({ name: MARK, rows: value })),
    fc
      .tuple(fc.integer({ min: 0, max: 5000 }), fc.constantFrom('[', '{"rows":'))
      .map(
        ([depth, open]) =>
          `{"name":"g","rows":${open.repeat(depth)}1${(open === '[' ? ']' : '}').repeat(depth)}}`,
      ),
    fc
      .integer({ min: 990, max: 1200 })
      .map((count) => `{"name":"g","rows":[${'{"cells":[]},'.repeat(count)}{"cells":[]}]}`),
    hostileValue.map(
      (value) =>
        `{"name":"g","rows":[],"rows":${JSON.stringify(value) ?? 'null'},"__proto__":{"polluted":1}}`,
    ),
  );

  it('never answers 5xx, never echoes a rejected value, and keeps answering', async () => {
    await fc.assert(
      fc.asyncProperty(hostileBody, async (body) => {
        const res = await request(app.getHttpServer())
          .post('/grid')
          .set('Content-Type', 'application/json')
          .send(body);
        expect(res.status).toBeLessThan(500);
        expect(res.text).not.toContain(MARK);
        expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      }),
      { numRuns: 120 },
    );
    const after = await request(app.getHttpServer())
      .post('/grid')
      .set('Content-Type', 'application/json')
      .send('{"name":"g","rows":[{"cells":[{"v":1}]}]}');
    expect(after.status).toBe(201);
  });
});
