/**
 * `ErrorsModule`'s options: the inbound half's and the outbound clients',
 * checked together at startup and resolved once.
 */
import { API_CLIENT_OPTIONS_RULE } from '../client/api-client.option-rules.js';
import {
  type ApiClientOptions,
  DEFAULT_CLIENT,
  type ResolvedApiClientOptions,
} from '../client/api-client.options.js';
import { resolveApiClientOptions } from '../client/api-client.options-resolver.js';
import { getApiClientToken } from '../client/api-client.tokens.js';
import type { ApiClient } from '../client/api-client.js';
import { INBOUND_OPTIONS_RULES } from '../errors/errors.option-rules.js';
import type { InboundErrorsOptions, ResolvedInboundOptions } from '../errors/errors.options.js';
import { resolveInboundOptions } from '../errors/errors.options-resolver.js';
import { withoutUndefined } from '../shared/objects.js';
import {
  arrayOf,
  checkOptions,
  described,
  recordOf,
  rule,
  type Rule,
  shape,
  type Shape,
} from '../shared/option-checks.js';
import { boolean } from '../shared/option-values.js';

/** Options of `ErrorsModule.forRoot()` / the factory of `forRootAsync()`. */
export interface ErrorsModuleOptions extends InboundErrorsOptions {
  /**
   * The default outbound client, injected as `ApiClient`. Its request id
   * header defaults to `requestIdHeader`.
   * @default {} (every client default)
   */
  client?: ApiClientOptions;
  /**
   * Named outbound clients, injected with `@InjectApiClient(name)`. With
   * `forRootAsync`, also list their names in the `clientNames` extra.
   * @default {}
   */
  clients?: Readonly<Record<string, ApiClientOptions>>;
}

/** Every option with its default applied, and the catalog built. */
export interface ResolvedErrorsOptions extends ResolvedInboundOptions {
  /** Every outbound client by name, `default` included, defaults applied. */
  readonly clients: Readonly<Record<string, ResolvedApiClientOptions>>;
}

const clientName = rule(
  `a client name other than '${DEFAULT_CLIENT}' (the default client's options are 'client')`,
  (name) => name !== DEFAULT_CLIENT && name !== '',
);

const EXTRA =
  'it changes what the module installs, so it sits beside useFactory in forRootAsync, not in what the factory returns';

const ERRORS_RULES: Shape<ErrorsModuleOptions> = {
  ...INBOUND_OPTIONS_RULES,
  client: API_CLIENT_OPTIONS_RULE,
  clients: recordOf(API_CLIENT_OPTIONS_RULE, clientName),
};

/** The rule of `ErrorsModule`'s options. */
export const ERRORS_OPTIONS_RULE: Rule = shape(ERRORS_RULES, {
  meant: { locale: 'defaultLocale', logLevel: 'clientErrorLogLevel', timeout: 'client.attemptTimeoutMs' },
  notes: {
    isGlobal: EXTRA,
    filter: EXTRA,
    validationPipe: EXTRA,
    successEnvelope: EXTRA,
    clientNames: EXTRA,
  },
});

/** The rule of the extras, beside the options of `forRoot` and `forRootAsync`. */
export const ERRORS_EXTRAS_RULE: Rule = shape(
  {
    isGlobal: boolean,
    filter: boolean,
    validationPipe: boolean,
    successEnvelope: boolean,
    clientNames: arrayOf(
      described(
        rule('a client name', (name) => typeof name === 'string' && name !== ''),
        'a client name',
      ),
    ),
  },
  // the options (forRoot) or useFactory, inject, ... (forRootAsync) sit beside them
  { unknownKeys: 'typos' },
);

/**
 * Checks every option (a bad one throws, naming it), applies the defaults
 * once and builds the catalog (throws on duplicates). `injected` tells
 * whether the app injects a client's token (all of them, when not told),
 * which decides the default of `asyncContext`.
 */
export function resolveErrorsOptions(
  options: ErrorsModuleOptions = {},
  injected: (token: string | typeof ApiClient) => boolean = () => true,
): ResolvedErrorsOptions {
  checkOptions('ErrorsModule', options, ERRORS_OPTIONS_RULE);
  const { client, clients = {}, ...inbound } = options;
  const resolved = resolveInboundOptions(inbound);
  const resolvedClients: Record<string, ResolvedApiClientOptions> = {};
  for (const [name, clientOptions] of Object.entries({ [DEFAULT_CLIENT]: client, ...clients })) {
    resolvedClients[name] = resolveApiClientOptions(name, {
      requestIdHeader: resolved.requestIdHeader,
      deadlineHeader: resolved.deadlineHeader,
      ...withoutUndefined(clientOptions ?? {}),
    });
  }
  // the store costs every request on Node 20 and 22: entered while the app injects a client that
  // forwards ids or, when requests have deadlines, any client (each keeps its calls within them)
  const deadlines = resolved.requestTimeoutMs !== false || resolved.trustDeadlineHeader;
  const forwarding = Object.entries(resolvedClients).some(
    ([name, each]) => (each.requestIdHeader !== false || deadlines) && injected(getApiClientToken(name)),
  );
  const asyncContext = options.asyncContext ?? forwarding;
  return { ...resolved, asyncContext, clients: resolvedClients };
}
