import { describe, expect, it } from 'vitest';
import { DomainException, isDomainException } from '../core/domain.exception.js';
import { BuiltInErrors, ErrorCatalog } from '../core/error-catalog.js';
import { mapException } from './envelope.mapper.js';
import { isValidationFailedException, ValidationFailedException } from './validation-failed.exception.js';

/** The same modules loaded a second time, as an app with two copies of the package has them. */
async function secondCopy() {
  const domainUrl: string = '../core/domain.exception.js?second-copy';
  const validationUrl: string = './validation-failed.exception.js?second-copy';
  const domain = (await import(domainUrl)) as typeof import('../core/domain.exception.js');
  const validation = (await import(validationUrl)) as typeof import('./validation-failed.exception.js');
  return {
    DomainException: domain.DomainException,
    ValidationFailedException: validation.ValidationFailedException,
  };
}

describe('brands that survive a second copy of the package', () => {
  it('is a second copy indeed: instanceof cannot tell', async () => {
    const other = await secondCopy();
    expect(other.DomainException).not.toBe(DomainException);
    expect(new other.DomainException(BuiltInErrors.CONFLICT)).not.toBeInstanceOf(DomainException);
  });

  it('recognizes a DomainException of the other copy', async () => {
    const other = await secondCopy();
    expect(isDomainException(new other.DomainException(BuiltInErrors.CONFLICT))).toBe(true);
    expect(isDomainException(new Error('plain'))).toBe(false);
    expect(isDomainException({ entry: BuiltInErrors.CONFLICT })).toBe(false);
    expect(isDomainException(null)).toBe(false);
  });

  it('maps the other copy’s exceptions as its own, validation failures included', async () => {
    const other = await secondCopy();
    const catalog = new ErrorCatalog([]);
    expect(mapException(new other.DomainException(BuiltInErrors.CONFLICT), catalog)).toMatchObject({
      entry: BuiltInErrors.CONFLICT,
      status: 409,
    });
    const issue = { path: ['name'], constraint: 'isString', args: [], text: 'x', custom: false };
    const failure = new other.ValidationFailedException([issue], 1);
    expect(isValidationFailedException(failure)).toBe(true);
    expect(isValidationFailedException(new DomainException(BuiltInErrors.CONFLICT))).toBe(false);
    expect(mapException(failure, catalog)).toMatchObject({
      entry: BuiltInErrors.VALIDATION_FAILED,
      issueCount: 1,
    });
    expect(new ValidationFailedException([issue])).toBeInstanceOf(DomainException);
  });
});
