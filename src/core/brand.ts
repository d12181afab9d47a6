/**
 * Brands for the package's exceptions: a `Symbol.for` key on a class's
 * prototype is the same in every copy of the package an app may load, where
 * `instanceof` is not.
 */

/**
 * Brands `type` as `nestjs-faultline.<name>` and returns the type guard that
 * recognizes its instances (and its subclasses'), from any copy of the package.
 */
export function brand<T extends object>(
  type: abstract new (...args: never[]) => T,
  name: string,
): (value: unknown) => value is T {
  const key = Symbol.for(`nestjs-faultline.${name}`);
  Object.defineProperty(type.prototype, key, { value: true });
  return (value: unknown): value is T =>
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[key] === true;
}
