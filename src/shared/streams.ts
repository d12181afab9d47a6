/** A value that can be piped: a body that is read once only (a Node stream or the like). */
export function isPipeable(value: unknown): value is { pipe(...args: unknown[]): unknown } {
  return (
    typeof value === 'object' && value !== null && typeof (value as { pipe?: unknown }).pipe === 'function'
  );
}
