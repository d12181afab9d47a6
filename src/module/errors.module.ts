import {
  ConfigurableModuleBuilder,
  type DynamicModule,
  Inject,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  type Provider,
} from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE, HttpAdapterHost, ModulesContainer } from '@nestjs/core';
import { ApiClient } from '../client/api-client.js';
import { apiClientProviders, RESOLVED_CLIENT_OPTIONS } from '../client/api-client.providers.js';
import { getApiClientToken } from '../client/api-client.tokens.js';
import { BuiltInErrors } from '../core/error-catalog.js';
import { EnvelopeValidationPipe } from '../errors/envelope-validation.pipe.js';
import { ErrorEnvelopeFilter } from '../errors/error-envelope.filter.js';
import { RESOLVED_ERRORS_OPTIONS } from '../errors/errors.constants.js';
import { installJsonShapeGuard } from '../errors/json-shape-guard.js';
import { answerThrough, RequestDeadlines } from '../errors/request-deadlines.js';
import { installRequestIdStep } from '../errors/request-id.step.js';
import { RequestIdMiddleware } from '../errors/request-id.middleware.js';
import { envelopeStreamErrors } from '../errors/stream-errors.js';
import { SuccessEnvelopeInterceptor } from '../errors/success-envelope.interceptor.js';
import { checkOptions, isObject } from '../shared/option-checks.js';
import { keepTickEntryShapes } from '../shared/tick-entries.js';
import { injectsAnyOf } from './injected-tokens.js';
import {
  ERRORS_EXTRAS_RULE,
  type ErrorsModuleOptions,
  type ResolvedErrorsOptions,
  resolveErrorsOptions,
} from './errors-module.options.js';

// as the app loads, before its start-up collects the shapes of `process.nextTick`'s entries
keepTickEntryShapes();

/**
 * Options that change what the module installs. They sit next to the
 * options (`forRoot({ ...options, successEnvelope: true })`) or next to
 * `useFactory` in `forRootAsync`, never inside what a factory returns.
 */
export interface ErrorsModuleExtras {
  /** Make the module's providers visible app-wide. @default true */
  isGlobal: boolean;
  /** Install {@link ErrorEnvelopeFilter} as a global filter. @default true */
  filter: boolean;
  /** Install {@link EnvelopeValidationPipe} as a global pipe. @default true */
  validationPipe: boolean;
  /** Install {@link SuccessEnvelopeInterceptor}: `{ code: 0, message, data }` answers. @default false */
  successEnvelope: boolean;
  /**
   * Names of the clients in `clients`, each injectable with
   * `@InjectApiClient(name)`. `forRoot` takes them from `clients`;
   * `forRootAsync` needs them here, as its factory runs later. @default []
   */
  clientNames: readonly string[];
}

const DEFAULT_EXTRAS: ErrorsModuleExtras = {
  isGlobal: true,
  filter: true,
  validationPipe: true,
  successEnvelope: false,
  clientNames: [],
};

export const {
  ConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN: ERRORS_MODULE_OPTIONS,
  OPTIONS_TYPE: ERRORS_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<ErrorsModuleOptions>({ moduleName: 'Errors' })
  .setClassMethodName('forRoot')
  .setExtras<ErrorsModuleExtras>(DEFAULT_EXTRAS, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
    providers: [
      ...(definition.providers ?? []),
      ...enhancers(extras),
      ...apiClientProviders(extras.clientNames),
    ],
    exports: [
      ...(definition.exports ?? []),
      ApiClient,
      ...extras.clientNames.map((name) => getApiClientToken(name)),
    ],
  }))
  .build();

function enhancers(extras: ErrorsModuleExtras): Provider[] {
  const providers: Provider[] = [];
  if (extras.filter) {
    providers.push({
      provide: APP_FILTER,
      inject: [ErrorEnvelopeFilter, HttpAdapterHost],
      useFactory: (filter: ErrorEnvelopeFilter, host: HttpAdapterHost) => {
        // Express answers a failed StreamableFile itself; the global filter takes it over
        envelopeStreamErrors(host.httpAdapter, filter);
        return filter;
      },
    });
  }
  if (extras.validationPipe) {
    providers.push({
      provide: APP_PIPE,
      inject: [RESOLVED_ERRORS_OPTIONS],
      useFactory: (options: ResolvedErrorsOptions) =>
        new EnvelopeValidationPipe({
          maxFieldErrors: options.maxFieldErrors,
          bodyLimits: {
            maxBodyDepth: options.maxBodyDepth,
            maxArrayLength: options.maxArrayLength,
            maxBodyNodes: options.maxBodyNodes,
          },
          ...options.validation,
        }),
    });
  }
  if (extras.successEnvelope)
    providers.push({ provide: APP_INTERCEPTOR, useClass: SuccessEnvelopeInterceptor });
  return providers;
}

/** The extras are checked where they are given; the options, once resolved (see `resolveErrorsOptions`). */
function checkExtras(options: Partial<ErrorsModuleExtras>): void {
  if (!isObject(options)) return checkOptions('ErrorsModule', options, ERRORS_EXTRAS_RULE);
  const extras = Object.fromEntries(
    Object.keys(DEFAULT_EXTRAS).map((key) => [key, options[key as keyof ErrorsModuleExtras]]),
  );
  checkOptions('ErrorsModule', extras, ERRORS_EXTRAS_RULE);
}

/**
 * Makes every failure of the app leave as one envelope: a global exception
 * filter, a validation pipe and a request id, from one call.
 *
 * ```ts
 * @Module({ imports: [ErrorsModule.forRoot({ errors: [AppErrors] })] })
 * export class AppModule {}
 * ```
 */
@Module({
  providers: [
    {
      provide: RESOLVED_ERRORS_OPTIONS,
      inject: [ERRORS_MODULE_OPTIONS, ModulesContainer],
      // the modules are scanned by now: who injects which client is known
      useFactory: (options: ErrorsModuleOptions, modules: ModulesContainer) =>
        resolveErrorsOptions(options, (token) => injectsAnyOf(modules, new Set([token]))),
    },
    {
      provide: RESOLVED_CLIENT_OPTIONS,
      inject: [RESOLVED_ERRORS_OPTIONS],
      useFactory: (options: ResolvedErrorsOptions) => options.clients,
    },
    ErrorEnvelopeFilter,
    {
      provide: RequestDeadlines,
      inject: [RESOLVED_ERRORS_OPTIONS, ErrorEnvelopeFilter],
      // a request past its deadline is answered by the filter, like every failure
      useFactory: (options: ResolvedErrorsOptions, filter: ErrorEnvelopeFilter) =>
        new RequestDeadlines(options, answerThrough(filter)),
    },
    RequestIdMiddleware,
  ],
  exports: [RESOLVED_ERRORS_OPTIONS, ErrorEnvelopeFilter, RequestDeadlines],
})
export class ErrorsModule extends ConfigurableModuleClass implements NestModule {
  constructor(
    @Inject(RESOLVED_ERRORS_OPTIONS) private readonly options: ResolvedErrorsOptions,
    private readonly adapterHost: HttpAdapterHost,
    private readonly deadlines: RequestDeadlines,
  ) {
    super();
  }

  /** The request id step: on the adapter itself where it can, else as a Nest middleware. */
  configure(consumer: MiddlewareConsumer): void {
    const { maxBodyDepth, maxArrayLength, maxBodyNodes, validation } = this.options;
    installJsonShapeGuard(
      this.adapterHost.httpAdapter,
      { maxBodyDepth, maxArrayLength, maxBodyNodes },
      validation.errorHttpStatusCode ?? BuiltInErrors.VALIDATION_FAILED.status,
    );
    const deadlines = this.deadlines.enabled ? this.deadlines : undefined;
    if (!installRequestIdStep(this.adapterHost.httpAdapter, this.options, deadlines)) {
      consumer.apply(RequestIdMiddleware).forRoutes('*path');
    }
  }

  static override forRoot(options: typeof ERRORS_OPTIONS_TYPE = {}): DynamicModule {
    checkExtras(options);
    const clients = isObject(options.clients) ? Object.keys(options.clients) : [];
    const clientNames = new Set([...(options.clientNames ?? []), ...clients]);
    return super.forRoot({ ...options, clientNames: [...clientNames] });
  }

  static override forRootAsync(options: typeof ASYNC_OPTIONS_TYPE): DynamicModule {
    checkExtras(options);
    return super.forRootAsync(options);
  }
}
