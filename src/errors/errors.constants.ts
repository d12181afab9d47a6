/** Injection token of the resolved (defaults applied) module options. */
export const RESOLVED_ERRORS_OPTIONS = Symbol.for('nestjs-faultline.resolved-errors-options');
