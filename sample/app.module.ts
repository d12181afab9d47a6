import { type INestApplication, Module, type NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { envelopeFrameworkErrors, ErrorsModule } from '../src/index.js';
import { AppErrors } from './app-errors.js';
import { CrashController } from './crash.controller.js';
import { OrdersController } from './orders.controller.js';
import { UsersController } from './users.controller.js';

@Module({
  imports: [ErrorsModule.forRoot({ errors: [AppErrors] })],
  controllers: [OrdersController, UsersController, CrashController],
})
export class AppModule {}

export type DemoAdapter = 'express' | 'fastify';

export function createDemoApp(
  adapter: DemoAdapter,
  options: NestApplicationOptions = {},
): Promise<INestApplication> {
  const httpAdapter =
    adapter === 'fastify'
      ? new FastifyAdapter({ frameworkErrors: envelopeFrameworkErrors })
      : new ExpressAdapter();
  return NestFactory.create(AppModule, httpAdapter, options);
}
