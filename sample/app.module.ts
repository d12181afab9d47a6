import { type INestApplication, Module, type NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { envelopeFrameworkErrors, ErrorsModule } from '../src/index.js';
import { AppErrors } from './app-errors.js';
import { CrashController } from './crash.controller.js';
import { setupDocs } from './docs.js';
import { FlakyUpstream, FlakyUpstreamModule } from './flaky-upstream.js';
import { OrdersController } from './orders.controller.js';
import { QuotesController } from './quotes.controller.js';
import { UsersController } from './users.controller.js';

@Module({
  imports: [
    ErrorsModule.forRootAsync({
      imports: [FlakyUpstreamModule],
      inject: [FlakyUpstream],
      useFactory: (upstream: FlakyUpstream) => ({
        errors: [AppErrors],
        // every request is answered within 3 s, or sooner when its caller sends a shorter grpc-timeout
        requestTimeoutMs: 3000,
        trustDeadlineHeader: true,
        client: {
          baseURL: upstream.url,
          attemptTimeoutMs: 300,
          deadlineMs: 1500,
          retry: { baseDelayMs: 50 },
        },
      }),
    }),
  ],
  controllers: [OrdersController, UsersController, CrashController, QuotesController],
})
export class AppModule {}

export type DemoAdapter = 'express' | 'fastify';

export async function createDemoApp(
  adapter: DemoAdapter,
  options: NestApplicationOptions = {},
): Promise<INestApplication> {
  const httpAdapter =
    adapter === 'fastify'
      ? new FastifyAdapter({ frameworkErrors: envelopeFrameworkErrors })
      : new ExpressAdapter();
  const app = await NestFactory.create(AppModule, httpAdapter, options);
  setupDocs(app);
  return app;
}
