/**
 * Finds the routes of a Nest app and the errors each declares
 * (`@ApiErrors()`), plus `VALIDATION_FAILED` where a DTO is validated.
 */
import type { INestApplication } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { DiscoveryService, MetadataScanner, ModulesContainer } from '@nestjs/core';
import { getMetadataStorage } from 'class-validator';
import { declaredErrors } from './api-errors.decorator.js';
import type { ErrorRef } from './errors-document.options.js';

/** One route handler and the errors documented for it. */
export interface RouteErrors {
  /** `Controller.method`, for messages. */
  readonly where: string;
  /** The handler function, which Swagger reads its metadata from. */
  readonly handler: Function;
  readonly refs: readonly ErrorRef[];
}

/** What the validation pipe validates: these arguments, when their type is a DTO class. */
const VALIDATED_ARGUMENTS: ReadonlySet<number> = new Set([
  RouteParamtypes.BODY,
  RouteParamtypes.QUERY,
  RouteParamtypes.PARAM,
]);

/**
 * Every route of `app` with `common` errors, its controller's and its own,
 * and `VALIDATION_FAILED` when `validation` is on and it takes a validated DTO.
 */
export function scanRouteErrors(
  app: INestApplication,
  common: readonly ErrorRef[],
  validation: boolean,
): RouteErrors[] {
  const discovery = new DiscoveryService(app.get(ModulesContainer));
  const scanner = new MetadataScanner();
  const routes: RouteErrors[] = [];
  const seen = new Set<Function>();
  for (const { metatype } of discovery.getControllers()) {
    if (typeof metatype !== 'function' || seen.has(metatype)) continue;
    seen.add(metatype);
    const prototype = metatype.prototype as Record<string, unknown>;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name];
      if (typeof handler !== 'function' || !isRoute(handler)) continue;
      const refs = [...common, ...declaredErrors(metatype, handler)];
      if (validation && takesValidatedDto(metatype, name)) refs.push('VALIDATION_FAILED');
      if (refs.length > 0) routes.push({ where: `${metatype.name}.${name}`, handler, refs });
    }
  }
  return routes;
}

function isRoute(handler: Function): boolean {
  return (
    Reflect.getMetadata(PATH_METADATA, handler) !== undefined &&
    Reflect.getMetadata(METHOD_METADATA, handler) !== undefined
  );
}

/** A `@Body()`, `@Query()` or `@Param()` argument whose type is a class with class-validator metadata. */
function takesValidatedDto(controller: Function, name: string): boolean {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as Record<
    string,
    { index: number }
  >;
  const types = (Reflect.getMetadata('design:paramtypes', controller.prototype, name) ?? []) as unknown[];
  return Object.entries(args).some(([key, { index }]) => {
    // built-in arguments are keyed `<paramtype>:<index>`; custom decorators' keys are not numbers
    const paramtype = Number(key.slice(0, key.indexOf(':')));
    return VALIDATED_ARGUMENTS.has(paramtype) && isValidatedClass(types[index]);
  });
}

function isValidatedClass(type: unknown): boolean {
  return (
    typeof type === 'function' &&
    getMetadataStorage().getTargetValidationMetadatas(type, '', true, false).length > 0
  );
}
