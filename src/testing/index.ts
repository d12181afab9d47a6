/**
 * `nestjs-faultline/testing`: helpers for an app's own tests — envelope
 * matchers for vitest and jest (`expect.extend(envelopeMatchers)`) and a
 * scripted upstream on 127.0.0.1 to test outbound retries without mocks.
 * It loads no test runner, and nothing of the library's root entry.
 */
export {
  envelopeMatchers,
  type EnvelopeMatcherContext,
  type EnvelopeMatcherResult,
  type EnvelopeMatchers,
} from './envelope.matchers.js';
export { checkAnswer, ENVELOPE_FORMAT, PROBLEM_FORMAT, type AnswerFormat } from './envelope.checks.js';
export type {
  AnswerExpectation,
  EnvelopeExpectation,
  FieldErrorExpectation,
  ProblemExpectation,
} from './envelope.expectations.js';
export { readResponse, toHttpAnswer, type FetchLikeResponse, type HttpAnswer } from './http-answer.js';
export { ScriptedUpstream, type ScriptedUpstreamOptions } from './scripted-upstream.js';
export type { UpstreamHit, UpstreamReply, UpstreamStep } from './upstream.steps.js';
