/**
 * The inbound bench app, run in a child process:
 * `node inbound-app.js <nest|hand|floor|ours> <express|fastify> [module options as JSON]`.
 *
 * Same routes, same DTO, same logger (Nest's ConsoleLogger, default levels,
 * to /dev/null) for every variant. `nest` is Nest's defaults plus Nest's own
 * ValidationPipe installed globally; `hand` adds the filter a team would
 * write by hand (hand-filter.ts); `floor` a filter that only writes the
 * bytes and headers `ours` answers (the parent hands them over); `ours` is
 * `ErrorsModule.forRoot()`.
 */
import {
  Body,
  Controller,
  type DynamicModule,
  Get,
  type INestApplication,
  Module,
  NotFoundException,
  Param,
  Post,
  ValidationPipe,
} from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsEmail,
  IsInt,
  IsString,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { defineErrors, DomainException, envelopeFrameworkErrors, ErrorsModule } from '../src/index.js';
import { FixedAnswers, HandWrittenFilter } from './hand-filter.js';
import { DevNullLogger, memoryAfterGc, serveParent } from './shared.js';

const VARIANTS = ['nest', 'hand', 'floor', 'ours'];
const [variant, adapter, optionsJson] = process.argv.slice(2);
if (!VARIANTS.includes(variant!) || (adapter !== 'express' && adapter !== 'fastify')) {
  throw new Error('usage: inbound-app.js <nest|hand|floor|ours> <express|fastify>');
}
const answers = new FixedAnswers();

export const AppErrors = defineErrors({
  USER_NOT_FOUND: {
    code: 10001,
    status: 404,
    messages: { 'zh-CN': '用户 {id} 不存在', en: 'User {id} not found' },
  },
});

export class ItemDto {
  @IsString()
  @Length(1, 32)
  sku!: string;

  @IsInt()
  @Min(1)
  @Max(99)
  qty!: number;
}

export class CreateOrderDto {
  @IsString()
  @Length(3, 20)
  name!: string;

  @IsEmail()
  email!: string;

  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => ItemDto)
  items!: ItemDto[];
}

const notFound =
  variant === 'ours'
    ? (id: string) => new DomainException(AppErrors.USER_NOT_FOUND, { params: { id } })
    : (id: string) => new NotFoundException(`User ${id} not found`);

@Controller()
export class BenchController {
  @Get('users/:id')
  user(@Param('id') id: string) {
    if (id === '1') return { id: '1', name: 'Ada' };
    throw notFound(id);
  }

  @Post('orders')
  order(@Body() order: CreateOrderDto) {
    return { accepted: true, items: order.items.length };
  }

  @Get('crash')
  crash(): never {
    throw new Error('boom');
  }
}

// the options section passes module options (and extras) as JSON, to measure what each costs
const options = optionsJson ? (JSON.parse(optionsJson) as Record<string, unknown>) : {};
const imports: DynamicModule[] =
  variant === 'ours' ? [ErrorsModule.forRoot({ ...options, errors: [AppErrors] })] : [];
const filters =
  variant === 'hand'
    ? [{ provide: APP_FILTER, useClass: HandWrittenFilter }]
    : variant === 'floor'
      ? [{ provide: APP_FILTER, useValue: answers.filter() }]
      : [];

@Module({ imports, controllers: [BenchController], providers: filters })
export class BenchModule {}

export const app: INestApplication = await NestFactory.create(
  BenchModule,
  adapter === 'express'
    ? new ExpressAdapter()
    : new FastifyAdapter(variant === 'ours' ? { frameworkErrors: envelopeFrameworkErrors } : {}),
  { logger: new DevNullLogger() },
);
if (variant !== 'ours') app.useGlobalPipes(new ValidationPipe());
await app.listen(0, '127.0.0.1');
const { port } = app.getHttpServer().address() as AddressInfo;

// the longest time the event loop was blocked since the last reset (the hostile-body section); on
// from that section's first reset only: its 1 ms timer costs an idle process 15 ms (Node 20) to 30 ms
// (Node 24) of CPU a second, which the CPU sections would count into every answer, and dozens of
// waiting apps at once would take from the ones being measured
const loop = monitorEventLoopDelay({ resolution: 1 });

serveParent(port, {
  answers: (message) => answers.set(message),
  cpu: () => process.cpuUsage(),
  memory: () => memoryAfterGc(),
  resetStall: () => {
    loop.enable();
    loop.reset();
  },
  stall: async () => {
    // one more turn, so a stall that just ended is in the histogram
    await new Promise((resolve) => setTimeout(resolve, 5));
    return loop.max / 1e6;
  },
});
