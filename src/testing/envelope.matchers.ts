/**
 * `toBeEnvelope` and `toBeProblem` for vitest and jest alike: plain matcher
 * functions in the API both runners share (`this.isNot`, `{ pass, message }`),
 * registered with `expect.extend(envelopeMatchers)`. Neither runner is
 * imported.
 */
import { checkAnswer, ENVELOPE_FORMAT, PROBLEM_FORMAT, type AnswerFormat } from './envelope.checks.js';
import type { EnvelopeExpectation, ProblemExpectation } from './envelope.expectations.js';
import { toHttpAnswer, type HttpAnswer } from './http-answer.js';
import { show } from './expected-values.js';

/** What the matchers read of the runner's `this`: vitest's and jest's both have it. */
export interface EnvelopeMatcherContext {
  readonly isNot?: boolean;
}

/** A matcher's verdict, as vitest and jest take it. */
export interface EnvelopeMatcherResult {
  pass: boolean;
  message: () => string;
}

/**
 * The matchers' signatures, for a runner's `Matchers` interface
 * (`nestjs-faultline/testing/vitest` and `/jest` merge them in).
 */
export interface EnvelopeMatchers<R = unknown> {
  /**
   * The answer is the module's error envelope — status, `Content-Type`,
   * members and their types, `X-Request-Id` equal to `requestId`,
   * `Cache-Control: no-store`, `Content-Language` — and holds what is expected.
   */
  toBeEnvelope(expected?: EnvelopeExpectation): R;
  /** The same for the RFC 9457 format (`format: 'problem'`, `application/problem+json`). */
  toBeProblem(expected?: ProblemExpectation): R;
}

type Matcher<E> = (this: EnvelopeMatcherContext, received: unknown, expected?: E) => EnvelopeMatcherResult;

/** Register with `expect.extend(envelopeMatchers)` (vitest or jest). */
export const envelopeMatchers: {
  readonly toBeEnvelope: Matcher<EnvelopeExpectation>;
  readonly toBeProblem: Matcher<ProblemExpectation>;
} = {
  toBeEnvelope(received, expected = {}) {
    return verdict('toBeEnvelope', ENVELOPE_FORMAT, this.isNot === true, received, expected);
  },
  toBeProblem(received, expected = {}) {
    return verdict('toBeProblem', PROBLEM_FORMAT, this.isNot === true, received, expected);
  },
};

function verdict(
  name: string,
  format: AnswerFormat,
  isNot: boolean,
  received: unknown,
  expected: EnvelopeExpectation | ProblemExpectation,
): EnvelopeMatcherResult {
  const answer = toHttpAnswer(received);
  const problems = typeof answer === 'string' ? [answer] : checkAnswer(answer, format, expected);
  const pass = problems.length === 0;
  const asked = Object.keys(expected).length > 0;
  const hint = `expect(received)${isNot ? '.not' : ''}.${name}(${asked ? 'expected' : ''})`;
  const message = (): string => {
    const paragraphs = [hint];
    if (pass) {
      const { status, body } = answer as HttpAnswer;
      const reason = String((body as Record<string, unknown>)['reason']);
      paragraphs.push(`Expected no ${format.name} like this, but received one: ${status} ${reason}`);
    } else {
      const lines = problems.map((problem) => `  - ${problem}`);
      paragraphs.push([`The answer is not the expected ${format.name}:`, ...lines].join('\n'));
    }
    if (asked) paragraphs.push(`Expected: ${show(expected)}`);
    if (!pass && typeof answer !== 'string') paragraphs.push(`Received: ${describeAnswer(answer)}`);
    return paragraphs.join('\n\n');
  };
  return { pass, message };
}

function describeAnswer(answer: HttpAnswer): string {
  const contentType = answer.headers['content-type'] ?? 'no content-type';
  const body = show(answer.body === undefined ? (answer.text ?? '') : answer.body, 2000);
  return `${answer.status} ${contentType}\n${body}`;
}
