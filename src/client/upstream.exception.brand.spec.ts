import { describe, expect, it } from 'vitest';
import { DomainException, isDomainException } from '../core/domain.exception.js';
import { BuiltInErrors } from '../core/error-catalog.js';
import { isUpstreamException, UpstreamException, type UpstreamFailure } from './upstream.exception.js';

const FAILURE: UpstreamFailure = {
  kind: 'status',
  client: 'payments',
  method: 'GET',
  url: 'https://payments.internal.example/v1/charges',
  upstreamStatus: 503,
  attempts: 3,
  elapsedMs: 12,
  reason: 'status 503',
};

/** The module loaded a second time, as an app with two copies of the package has it. */
async function secondCopy(): Promise<typeof import('./upstream.exception.js')> {
  const url: string = './upstream.exception.js?second-copy';
  return (await import(url)) as typeof import('./upstream.exception.js');
}

describe('isUpstreamException across two copies of the package', () => {
  it('is a second copy indeed: instanceof cannot tell', async () => {
    const other = await secondCopy();
    expect(other.UpstreamException).not.toBe(UpstreamException);
    expect(new other.UpstreamException(FAILURE)).not.toBeInstanceOf(UpstreamException);
  });

  it('recognizes an UpstreamException of either copy, by its brand', async () => {
    const other = await secondCopy();
    expect(isUpstreamException(new other.UpstreamException(FAILURE))).toBe(true);
    expect(other.isUpstreamException(new UpstreamException(FAILURE))).toBe(true);
    expect(isDomainException(new other.UpstreamException(FAILURE))).toBe(true);
  });

  it('recognizes nothing else', () => {
    expect(isUpstreamException(new DomainException(BuiltInErrors.UPSTREAM_ERROR))).toBe(false);
    expect(isUpstreamException(new Error('status 503'))).toBe(false);
    expect(isUpstreamException({ ...FAILURE, name: 'UpstreamException' })).toBe(false);
    expect(isUpstreamException(null)).toBe(false);
    expect(isUpstreamException('UpstreamException')).toBe(false);
  });
});
