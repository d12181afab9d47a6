/**
 * What the error filter needs from a GraphQL resolver call, and the error it
 * hands back to GraphQL. Reads the resolver arguments by shape, so
 * `@nestjs/graphql` and `graphql` stay optional.
 */
import type { ArgumentsHost } from '@nestjs/common';
import type { EnvelopeFacts } from '../envelope.renderer.js';

/** The facts of one resolver call that the envelope is for. */
export interface ResolverFacts {
  /** The HTTP request the operation came in, when the GraphQL context holds it (`context.req`). */
  readonly request: unknown;
  /** `query user`, `mutation createOrder`: the operation type and field, for the log line. */
  readonly field: string;
}

type ResolverInfoLike = { fieldName?: unknown; operation?: { operation?: unknown } };
type GraphqlContextLike = { req?: unknown; request?: unknown };

/** Reads the facts of the resolver call behind `host` (a `graphql` host: root, args, context, info). */
export function resolverFacts(host: ArgumentsHost): ResolverFacts {
  const context = host.getArgByIndex<GraphqlContextLike | undefined>(2);
  const info = host.getArgByIndex<ResolverInfoLike | undefined>(3);
  const operation = typeof info?.operation?.operation === 'string' ? info.operation.operation : 'operation';
  const field = typeof info?.fieldName === 'string' ? info.fieldName : '-';
  return { request: context?.req ?? context?.request, field: `${operation} ${field}` };
}

/**
 * The error a resolver fails with: GraphQL (graphql-js) keeps its `message`
 * and copies its `extensions` into the answer. It carries no stack or cause,
 * so nothing internal can reach a client through a server's error formatting.
 */
export class GraphqlEnvelopeError extends Error {
  override readonly name = 'GraphqlEnvelopeError';
  readonly extensions: Readonly<Record<string, unknown>>;

  constructor(facts: EnvelopeFacts) {
    const { message, ...extensions } = facts;
    super(message);
    this.extensions = extensions;
    this.stack = `${this.name}: ${message}`;
  }
}
