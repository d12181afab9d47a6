/**
 * Names the root entry exported before they moved to
 * `nestjs-faultline/advanced`; they stay here as aliases until the next
 * major version.
 */
import * as advanced from './advanced.js';

/** @deprecated import it from `nestjs-faultline/advanced` */
export const isSafeRequestId = advanced.isSafeRequestId;
/** @deprecated import it from `nestjs-faultline/advanced` */
export const requestContext = advanced.requestContext;
/** @deprecated import it from `nestjs-faultline/advanced` */
export const resolveApiClientOptions = advanced.resolveApiClientOptions;
/** @deprecated import it from `nestjs-faultline/advanced` */
export const isUpstreamFault = advanced.isUpstreamFault;
/** @deprecated import it from `nestjs-faultline/advanced` */
export const RetryBudget = advanced.RetryBudget;
/** @deprecated import it from `nestjs-faultline/advanced` */
export type RetryBudget = advanced.RetryBudget;
/** @deprecated import it from `nestjs-faultline/advanced` */
export const TRANSIENT_NETWORK_CODES = advanced.TRANSIENT_NETWORK_CODES;
/** @deprecated import it from `nestjs-faultline/advanced` */
export const backoffDelay = advanced.backoffDelay;
/** @deprecated import it from `nestjs-faultline/advanced` */
export const parseRetryAfter = advanced.parseRetryAfter;
/** @deprecated import it from `nestjs-faultline/advanced` */
export const planRetry = advanced.planRetry;
/** @deprecated import it from `nestjs-faultline/advanced` */
export type RetryPlan = advanced.RetryPlan;
/** @deprecated import it from `nestjs-faultline/advanced` */
export type AttemptFailure = advanced.AttemptFailure;
/** @deprecated import it from `nestjs-faultline/advanced` */
export const ResponseInterceptors = advanced.ResponseInterceptors;
/** @deprecated import it from `nestjs-faultline/advanced` */
export type ResponseInterceptors = advanced.ResponseInterceptors;
/** @deprecated import it from `nestjs-faultline/advanced` */
export const redactUrl = advanced.redactUrl;
