/**
 * Whether failure lines go to the app's logger as text or as fields. Nest's
 * `Logger` forwards what it is given to the logger the app installed
 * (`app.useLogger()`, `NestFactory.create(..., { logger })`), so the answer
 * depends on that logger, which can change after the filter is built: it is
 * read per line, and reading it allocates nothing.
 */
import { Logger, type LoggerService } from '@nestjs/common';
import type { LogFormat } from './errors.options.js';

/** True when a failure line goes out as an object of fields under `format`. */
export function writesFields(format: LogFormat): boolean {
  return format === 'auto' ? takesFieldsFirst(appLogger()) : format === 'fields';
}

/**
 * The logger Nest's `Logger` writes to; `undefined` when logging is off.
 * Nest keeps the reference protected, but it is what every `Logger`
 * forwards to.
 */
function appLogger(): LoggerService | undefined {
  return (Logger as unknown as { staticInstanceRef?: LoggerService }).staticInstanceRef;
}

/**
 * nestjs-pino's `Logger`, or a class extending it: it holds a `PinoLogger`
 * and merges an object first argument into the pino line. Its sibling
 * `NativeLogger`, a stand-in for `ConsoleLogger` that reads arguments as
 * `ConsoleLogger` does, is not one.
 */
export function takesFieldsFirst(logger: unknown): boolean {
  if (typeof logger !== 'object' || logger === null) return false;
  const inner: unknown = (logger as { logger?: unknown }).logger;
  if (typeof inner !== 'object' || inner === null || !hasClassNamed(inner, 'PinoLogger')) return false;
  return hasClassNamed(logger, 'Logger');
}

/** True when `value` is an instance of a class called `name`, or of a class extending one. */
function hasClassNamed(value: object, name: string): boolean {
  let proto: object | null = Object.getPrototypeOf(value) as object | null;
  while (proto !== null && proto !== Object.prototype) {
    if ((proto as { constructor?: { name?: unknown } }).constructor?.name === name) return true;
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return false;
}
