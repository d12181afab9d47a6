import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import {
  ForbiddenException,
  type INestApplication,
  Module,
  UseGuards,
  type CanActivate,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  Args,
  Field,
  GraphQLModule,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
} from '@nestjs/graphql';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { IsInt, IsString, Length, Min } from 'class-validator';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DomainException, ErrorsModule } from '../src/index.js';
import { AppErrors } from './fixtures/app-errors.js';
import { UUID } from './fixtures/envelope.js';
import { LogCapture } from './fixtures/log-capture.js';
import { ADAPTERS, type AdapterName } from './fixtures/test-app.js';

@ObjectType()
class User {
  @Field()
  id!: string;

  @Field()
  name!: string;
}

@InputType()
class NewUserInput {
  @Field()
  @IsString()
  @Length(3, 20)
  name!: string;

  @Field(() => Int)
  @IsInt()
  @Min(18)
  age!: number;
}

class DenyGuard implements CanActivate {
  canActivate(): boolean {
    throw new ForbiddenException();
  }
}

@Resolver(() => User)
class UsersResolver {
  @Query(() => User)
  user(@Args('id') id: string): User {
    if (id === '1') return { id, name: 'Ada' };
    throw new DomainException(AppErrors.USER_NOT_FOUND, { params: { id }, details: { id } });
  }

  @Query(() => String)
  crash(): never {
    throw new Error('gql crash: token=hunter2');
  }

  @Query(() => String)
  async asyncCrash(): Promise<never> {
    await new Promise((resolve) => setImmediate(resolve));
    throw new Error('async gql crash: token=hunter2');
  }

  @Query(() => String)
  @UseGuards(DenyGuard)
  guarded(): string {
    return 'never';
  }

  @Mutation(() => User)
  createUser(@Args('input') input: NewUserInput): User {
    return { id: '2', name: input.name };
  }
}

async function createGraphqlApp(adapter: AdapterName, logger: LogCapture): Promise<INestApplication> {
  @Module({
    imports: [
      ErrorsModule.forRoot({ errors: [AppErrors] }),
      GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, autoSchemaFile: true }),
    ],
    providers: [UsersResolver],
  })
  class GraphqlAppModule {}
  const app = await NestFactory.create(
    GraphqlAppModule,
    adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(),
    { logger, abortOnError: false },
  );
  await app.init();
  if (adapter === 'fastify') await app.getHttpAdapter().getInstance().ready();
  return app;
}

type GraphqlError = { message: string; path?: string[]; extensions: Record<string, unknown> };
type GraphqlAnswer = { data: unknown; errors?: GraphqlError[] };

describe.each(ADAPTERS)('GraphQL resolvers on %s', (adapter) => {
  let app: INestApplication;
  const logs = new LogCapture();

  beforeAll(async () => {
    app = await createGraphqlApp(adapter, logs);
  });

  afterAll(async () => {
    await app?.close();
  });

  beforeEach(() => logs.clear());

  async function operation(query: string, headers: Record<string, string> = {}): Promise<GraphqlAnswer> {
    const response = await request(app.getHttpServer()).post('/graphql').set(headers).send({ query });
    expect(response.status).toBe(200);
    return response.body as GraphqlAnswer;
  }

  it('answers a DomainException with the localized message and the envelope’s facts as extensions', async () => {
    const body = await operation('{ user(id: "42") { id name } }', { 'Accept-Language': 'en' });
    expect(body.data).toBeNull();
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]).toMatchObject({
      message: 'User 42 not found',
      path: ['user'],
      extensions: {
        code: 10001,
        reason: 'USER_NOT_FOUND',
        details: { id: '42' },
        requestId: expect.stringMatching(UUID),
      },
    });
  });

  it('speaks the default locale without Accept-Language', async () => {
    const body = await operation('{ user(id: "7") { id } }');
    expect(body.errors![0]!.message).toBe('用户 7 不存在');
  });

  it('uses the inbound request id and logs the failure once with it', async () => {
    const body = await operation('{ user(id: "3") { id } }', { 'X-Request-Id': 'gql-trace-1' });
    expect(body.errors![0]!.extensions.requestId).toBe('gql-trace-1');
    const lines = logs.envelopeLines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'warn' });
    expect(lines[0]!.message).toMatch(
      /^GraphQL query user 404 USER_NOT_FOUND\(10001\) requestId=gql-trace-1 [\d.]+ms$/,
    );
  });

  it.each(['crash', 'asyncCrash'])(
    'never shows what an unknown error (%s) says, and logs it with its stack',
    async (field) => {
      const body = await operation(`{ ${field} }`, { 'Accept-Language': 'en' });
      expect(body.errors![0]).toMatchObject({
        message: 'Internal server error',
        extensions: { code: 500, reason: 'INTERNAL_ERROR', requestId: expect.stringMatching(UUID) },
      });
      expect(JSON.stringify(body)).not.toContain('hunter2');
      const lines = logs.envelopeLines();
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ level: 'error' });
      expect(lines[0]!.rest.join('\n')).toContain('token=hunter2');
    },
  );

  it('answers a guard’s HttpException with its status entry', async () => {
    const body = await operation('{ guarded }', { 'Accept-Language': 'en' });
    expect(body.errors![0]).toMatchObject({ extensions: { code: 403, reason: 'FORBIDDEN' } });
  });

  it('validates @Args() DTOs: VALIDATION_FAILED with field errors, never the values', async () => {
    const body = await operation('mutation { createUser(input: { name: "Al", age: 12 }) { id } }', {
      'Accept-Language': 'en',
    });
    const [error] = body.errors!;
    expect(error).toMatchObject({ extensions: { code: 40001, reason: 'VALIDATION_FAILED' } });
    const fields = (error!.extensions.errors as { field: string; pointer: string; constraint: string }[]).map(
      ({ field, constraint }) => `${field}:${constraint}`,
    );
    expect(fields.toSorted()).toEqual(['age:min', 'name:isLength']);
    expect(JSON.stringify(error)).not.toContain('"Al"');
  });

  it('passes a valid input through the pipe', async () => {
    const body = await operation('mutation { createUser(input: { name: "Grace", age: 30 }) { id name } }');
    expect(body).toEqual({ data: { createUser: { id: '2', name: 'Grace' } } });
  });

  it('answers a successful query as GraphQL does', async () => {
    expect(await operation('{ user(id: "1") { id name } }')).toEqual({
      data: { user: { id: '1', name: 'Ada' } },
    });
    expect(logs.envelopeLines()).toHaveLength(0);
  });
});
