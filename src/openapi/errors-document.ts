import type { INestApplication } from '@nestjs/common';
import {
  DECORATORS,
  type OpenAPIObject,
  type OperationObject,
  SwaggerModule,
  type SwaggerDocumentOptions,
} from '@nestjs/swagger';
import type { ErrorCatalog, ErrorEntry } from '../core/error-catalog.js';
import { RESOLVED_ERRORS_OPTIONS } from '../errors/errors.constants.js';
import type { ResolvedInboundOptions } from '../errors/errors.options.js';
import { checkOptions } from '../shared/option-checks.js';
import { errorResponses, withErrorResponses } from './error-responses.js';
import { errorComponents } from './error.schemas.js';
import { ERRORS_DOCUMENT_OPTIONS_RULE } from './errors-document.option-rules.js';
import {
  DEFAULT_ERRORS_DOCUMENT_OPTIONS,
  type ErrorRef,
  type ErrorsDocumentOptions,
} from './errors-document.options.js';
import { scanRouteErrors } from './route-errors.scanner.js';

/** Carries a handler's errors from its metadata to its operations, through Swagger's own extension. */
const ROUTE_MARK = 'x-nestjs-faultline-route';
const OWNER = 'createErrorsDocument';

/**
 * `SwaggerModule.createDocument`, with the app's errors documented: the
 * `ErrorEnvelope`, `FieldError` and `ProblemDetails` components, and on each
 * route the errors it declares (`@ApiErrors()`), `VALIDATION_FAILED` where
 * it validates a DTO, and `commonErrors`, per status with their reasons,
 * codes and a localized example, in the app's format and media type.
 *
 * ```ts
 * const document = createErrorsDocument(app, new DocumentBuilder().setTitle('Shop').build());
 * SwaggerModule.setup('docs', app, document);
 * ```
 */
export function createErrorsDocument(
  app: INestApplication,
  config: Omit<OpenAPIObject, 'paths'>,
  options: SwaggerDocumentOptions & ErrorsDocumentOptions = {},
): OpenAPIObject {
  checkOptions(OWNER, options, ERRORS_DOCUMENT_OPTIONS_RULE);
  const {
    errorLocale,
    validationErrors = DEFAULT_ERRORS_DOCUMENT_OPTIONS.validationErrors,
    commonErrors = DEFAULT_ERRORS_DOCUMENT_OPTIONS.commonErrors,
    ...swaggerOptions
  } = options;
  const resolved = moduleOptions(app);
  const locale = errorLocale ?? resolved.defaultLocale;
  if (!resolved.locales.includes(locale)) {
    const locales = resolved.locales.map((each) => `'${each}'`).join(', ');
    throw new Error(`${OWNER}: option 'errorLocale' must be one of locales (${locales}), got '${locale}'`);
  }
  const byHandler = new Map<Function, Map<string, ErrorEntry>>();
  for (const route of scanRouteErrors(app, commonErrors, validationErrors)) {
    const entries = byHandler.get(route.handler) ?? new Map<string, ErrorEntry>();
    for (const entry of resolveErrorRefs(route.refs, resolved.catalog, route.where)) {
      if (!entries.has(entry.reason)) entries.set(entry.reason, entry);
    }
    byHandler.set(route.handler, entries);
  }
  const handlers = [...byHandler.keys()];
  const restore = markHandlers(handlers);
  let document: OpenAPIObject;
  try {
    document = SwaggerModule.createDocument(app, config, swaggerOptions);
  } finally {
    restore();
  }
  const lists = handlers.map((handler) => [...byHandler.get(handler)!.values()]);
  return completeDocument(document, lists, locale, resolved);
}

/** The entries `refs` name, in order, each once; a reason or code the catalog does not hold fails. */
export function resolveErrorRefs(
  refs: readonly ErrorRef[],
  catalog: ErrorCatalog,
  where: string,
): ErrorEntry[] {
  const entries = new Map<string, ErrorEntry>();
  for (const ref of refs) {
    const entry = typeof ref === 'object' ? ref : catalog.get(ref);
    if (!entry) {
      const named = typeof ref === 'string' ? `reason '${ref}'` : `code ${ref}`;
      throw new Error(
        `${OWNER}: ${where} declares ${named}, which the error catalog does not hold (add it to ErrorsModule's errors)`,
      );
    }
    if (!entries.has(entry.reason)) entries.set(entry.reason, entry);
  }
  return [...entries.values()];
}

function moduleOptions(app: INestApplication): ResolvedInboundOptions {
  try {
    return app.get<ResolvedInboundOptions>(RESOLVED_ERRORS_OPTIONS, { strict: false });
  } catch (cause) {
    throw new Error(
      `${OWNER}: the app does not import ErrorsModule, whose options say how errors are answered`,
      {
        cause,
      },
    );
  }
}

/**
 * Gives each handler Swagger's extension `x-nestjs-faultline-route: <index>`,
 * which Swagger copies into each operation the handler makes; returns what
 * puts the handlers' metadata back as it was.
 */
function markHandlers(handlers: readonly Function[]): () => void {
  const key = DECORATORS.API_EXTENSION;
  const saved = handlers.map((handler) => ({
    handler,
    own: Reflect.hasOwnMetadata(key, handler),
    value: Reflect.getOwnMetadata(key, handler) as unknown,
  }));
  handlers.forEach((handler, index) => {
    const extensions = (Reflect.getMetadata(key, handler) ?? {}) as Record<string, unknown>;
    Reflect.defineMetadata(key, { ...extensions, [ROUTE_MARK]: index }, handler);
  });
  return () => {
    for (const { handler, own, value } of saved) {
      if (own) Reflect.defineMetadata(key, value, handler);
      else Reflect.deleteMetadata(key, handler);
    }
  };
}

/** Swagger's document with the components registered and each marked operation's errors added. */
function completeDocument(
  document: OpenAPIObject,
  lists: readonly ErrorEntry[][],
  locale: string,
  options: ResolvedInboundOptions,
): OpenAPIObject {
  const schemas = { ...document.components?.schemas };
  for (const [name, schema] of Object.entries(errorComponents())) {
    const taken = schemas[name];
    if (taken !== undefined && JSON.stringify(taken) !== JSON.stringify(schema)) {
      throw new Error(`${OWNER}: the document already has a schema named ${name}`);
    }
    schemas[name] = schema;
  }
  document.components = { ...document.components, schemas };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const operation of operationsOf(item)) {
      const index = operation[ROUTE_MARK] as number | undefined;
      if (index === undefined) continue;
      delete operation[ROUTE_MARK];
      const responses = errorResponses(lists[index]!, path, locale, options);
      operation.responses = withErrorResponses(operation.responses, responses);
    }
  }
  // a webhook is a request the app sends: the mark goes, no error is added
  for (const item of Object.values(document.webhooks ?? {})) {
    for (const operation of operationsOf(item)) delete operation[ROUTE_MARK];
  }
  return document;
}

function operationsOf(item: object): (OperationObject & Record<string, unknown>)[] {
  return Object.values(item).filter(
    (value): value is OperationObject & Record<string, unknown> =>
      typeof value === 'object' && value !== null && !Array.isArray(value) && ROUTE_MARK in value,
  );
}
