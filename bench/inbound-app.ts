/**
 * The inbound bench app, run in a child process:
 * `node inbound-app.js <nest|ours> <express|fastify>`.
 *
 * Same routes, same DTO, same logger (Nest's ConsoleLogger, default levels,
 * to /dev/null) for both variants. `nest` is Nest's defaults plus Nest's own
 * ValidationPipe installed globally; `ours` is `ErrorsModule.forRoot()`.
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
import { NestFactory } from '@nestjs/core';
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
import { DevNullLogger, memoryAfterGc, serveParent } from './shared.js';

const [variant, adapter] = process.argv.slice(2);
if ((variant !== 'nest' && variant !== 'ours') || (adapter !== 'express' && adapter !== 'fastify')) {
  throw new Error('usage: inbound-app.js <nest|ours> <express|fastify>');
}

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

const imports: DynamicModule[] = variant === 'ours' ? [ErrorsModule.forRoot({ errors: [AppErrors] })] : [];

@Module({ imports, controllers: [BenchController] })
export class BenchModule {}

const app: INestApplication = await NestFactory.create(
  BenchModule,
  adapter === 'express'
    ? new ExpressAdapter()
    : new FastifyAdapter(variant === 'ours' ? { frameworkErrors: envelopeFrameworkErrors } : {}),
  { logger: new DevNullLogger() },
);
if (variant === 'nest') app.useGlobalPipes(new ValidationPipe());
await app.listen(0, '127.0.0.1');
const { port } = app.getHttpServer().address() as AddressInfo;

// the longest time the event loop was blocked since the last reset (the hostile-body section)
const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();

serveParent(port, {
  memory: () => memoryAfterGc(),
  resetStall: () => {
    loop.reset();
  },
  stall: async () => {
    // one more turn, so a stall that just ended is in the histogram
    await new Promise((resolve) => setTimeout(resolve, 5));
    return loop.max / 1e6;
  },
});
