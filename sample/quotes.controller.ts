import { Controller, Get, Param } from '@nestjs/common';
import { ApiClient } from '../src/index.js';
import { ApiErrors } from '../src/openapi/index.js';

@Controller()
@ApiErrors('UPSTREAM_ERROR', 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_TIMEOUT')
export class QuotesController {
  constructor(private readonly upstream: ApiClient) {}

  @Get('quotes/:symbol')
  async quote(@Param('symbol') symbol: string): Promise<unknown> {
    const { data } = await this.upstream.get(`/quotes/${encodeURIComponent(symbol)}`);
    return data;
  }

  @Get('quotes-down')
  async down(): Promise<unknown> {
    const { data } = await this.upstream.get('/down');
    return data;
  }

  @Get('quotes-slow')
  async slow(): Promise<unknown> {
    const { data } = await this.upstream.get('/slow');
    return data;
  }

  /** Would wait 10 s for the slow upstream: the request's deadline (3 s, or the caller's) ends it first. */
  @Get('quotes-patient')
  @ApiErrors('DEADLINE_EXCEEDED')
  async patient(): Promise<unknown> {
    const { data } = await this.upstream.get('/slow', { deadlineMs: 10_000, timeout: 10_000 });
    return data;
  }
}
