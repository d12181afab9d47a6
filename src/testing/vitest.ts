/// <reference types="vitest" preserve="true" />
/**
 * `nestjs-faultline/testing/vitest`: types only. Importing it (`import
 * 'nestjs-faultline/testing/vitest'` in a setup file, or a `types` entry)
 * adds `toBeEnvelope` and `toBeProblem` to vitest's `expect`; the matchers
 * themselves are registered with `expect.extend(envelopeMatchers)`.
 */
import type { EnvelopeMatchers } from './envelope.matchers.js';

declare module 'vitest' {
  // oxlint-disable-next-line typescript/no-explicit-any -- vitest's own declaration has this type parameter
  interface Matchers<T = any> extends EnvelopeMatchers<T> {}
}
