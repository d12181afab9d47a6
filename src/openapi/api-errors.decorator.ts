import { isErrorRef } from './errors-document.option-rules.js';
import type { ErrorRef } from './errors-document.options.js';

const API_ERRORS = Symbol.for('nestjs-faultline.api-errors');

/**
 * Declares the catalog errors a route answers, for the OpenAPI document that
 * {@link createErrorsDocument} builds: entries, reasons or codes. On a
 * controller class it applies to each of its routes, in addition to what a
 * route declares itself.
 *
 * ```ts
 * @Get(':id')
 * @ApiErrors(AppErrors.USER_NOT_FOUND, 'FORBIDDEN')
 * findOne(@Param('id') id: string) {}
 * ```
 */
export function ApiErrors(...errors: ErrorRef[]): MethodDecorator & ClassDecorator {
  for (const error of errors) {
    if (!isErrorRef(error)) {
      throw new TypeError(
        `@ApiErrors() takes catalog entries, reasons or codes, got ${error === null ? 'null' : typeof error}`,
      );
    }
  }
  const refs = Object.freeze([...errors]);
  return (target: object, _key?: string | symbol, descriptor?: PropertyDescriptor): void => {
    const holder: object = descriptor ? (descriptor.value as object) : target;
    // decorators run bottom-up, so the one written first comes first; a class keeps its base class' errors
    const before = (Reflect.getMetadata(API_ERRORS, holder) as readonly ErrorRef[] | undefined) ?? [];
    Reflect.defineMetadata(API_ERRORS, [...refs, ...before], holder);
  };
}

/** What a handler declares, after what its controller (and the controller's base classes) declare. */
export function declaredErrors(controller: Function, handler: Function): readonly ErrorRef[] {
  const forClass = (Reflect.getMetadata(API_ERRORS, controller) as readonly ErrorRef[] | undefined) ?? [];
  const forRoute = (Reflect.getMetadata(API_ERRORS, handler) as readonly ErrorRef[] | undefined) ?? [];
  return [...forClass, ...forRoute];
}
