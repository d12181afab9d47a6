/**
 * `nestjs-faultline/testing/jest`: types only. Importing it adds
 * `toBeEnvelope` and `toBeProblem` to jest's global `expect` (`@types/jest`);
 * the matchers themselves are registered with `expect.extend(envelopeMatchers)`.
 */
import type { EnvelopeMatchers } from './envelope.matchers.js';

declare global {
  namespace jest {
    interface Matchers<R, T = {}> extends EnvelopeMatchers<R> {}
  }
}
