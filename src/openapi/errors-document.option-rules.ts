/** What each option of `createErrorsDocument` allows: ours, and Swagger's own passed through. */
import type { SwaggerDocumentOptions } from '@nestjs/swagger';
import { arrayOf, rule, shape, type Shape } from '../shared/option-checks.js';
import { boolean, languageTag } from '../shared/option-values.js';
import type { ErrorRef, ErrorsDocumentOptions } from './errors-document.options.js';

/** An entry (`AppErrors.USER_NOT_FOUND`), a reason or a code. */
export function isErrorRef(value: unknown): value is ErrorRef {
  if (typeof value === 'string' || typeof value === 'number') return true;
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { reason?: unknown }).reason === 'string' &&
    typeof (value as { code?: unknown }).code === 'number'
  );
}

const errorRef = rule('a catalog entry, reason or code', isErrorRef);
/** Swagger checks its own options. */
const swagger = rule('a Swagger document option', () => true);

const RULES: Shape<ErrorsDocumentOptions & SwaggerDocumentOptions> = {
  errorLocale: languageTag,
  validationErrors: boolean,
  commonErrors: arrayOf(errorRef),
  include: swagger,
  extraModels: swagger,
  ignoreGlobalPrefix: swagger,
  deepScanRoutes: swagger,
  operationIdFactory: swagger,
  linkNameFactory: swagger,
  autoTagControllers: swagger,
  onlyIncludeDecoratedEndpoints: swagger,
  excludeDynamicDefaults: swagger,
  exampleMaxDepth: swagger,
  standardSchemaConverter: swagger,
};

/** Our options are checked; a near miss of any known key fails, other keys pass (Swagger may add some). */
export const ERRORS_DOCUMENT_OPTIONS_RULE = shape(RULES, { unknownKeys: 'typos' });
