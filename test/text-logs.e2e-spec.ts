/**
 * The failure line through loggers other than nestjs-pino's: the same text
 * as ever through Nest's ConsoleLogger, fields for any logger when asked.
 */
import { ConsoleLogger, type LoggerService } from '@nestjs/common';
import { stripVTControlCharacters } from 'node:util';
import request from 'supertest';
import { describe, expect, it, vi } from 'vitest';
import { ErrorsModule } from '../src/index.js';
import { AppErrors } from './fixtures/app-errors.js';
import { ADAPTERS, createTestApp } from './fixtures/test-app.js';

/** Keeps every call as it came. */
class ObjectLogger implements LoggerService {
  readonly calls: unknown[][] = [];
  log = (...args: unknown[]) => this.calls.push(args);
  error = (...args: unknown[]) => this.calls.push(args);
  warn = (...args: unknown[]) => this.calls.push(args);
}

/** Everything written to stdout and stderr while `run` runs, not printed. */
async function printed(run: () => Promise<void>): Promise<string> {
  const written: string[] = [];
  const keep = (chunk: unknown): boolean => {
    written.push(String(chunk));
    return true;
  };
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(keep);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(keep);
  try {
    await run();
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  return stripVTControlCharacters(written.join(''));
}

describe.each(ADAPTERS)('failure lines through other loggers on %s', (adapter) => {
  it('are the same text as ever through Nest’s ConsoleLogger', async () => {
    const output = await printed(async () => {
      const app = await createTestApp(adapter, undefined, { logger: new ConsoleLogger() });
      try {
        const server = app.getHttpServer();
        await request(server).get('/users/7').set('X-Request-Id', 'console-4xx').expect(404);
        await request(server).get('/crash').set('X-Request-Id', 'console-5xx').expect(500);
      } finally {
        await app.close();
      }
    });
    const lines = output.split('\n');
    const warn = lines.find((line) => line.includes('requestId=console-4xx'));
    expect(warn).toMatch(
      /^\[Nest\] \d+ {2}- .+ +WARN \[ErrorEnvelope\] GET \/users\/7 404 USER_NOT_FOUND\(10001\) requestId=console-4xx \d+\.\dms$/,
    );
    const error = lines.findIndex((line) => line.includes('requestId=console-5xx'));
    expect(lines[error]).toMatch(
      /^\[Nest\] \d+ {2}- .+ +ERROR \[ErrorEnvelope\] GET \/crash 500 INTERNAL_ERROR\(500\) requestId=console-5xx \d+\.\dms$/,
    );
    expect(lines[error + 1]).toBe('Error: connect ECONNREFUSED db.internal:5432 password=hunter2');
    expect(lines[error + 2]).toMatch(/^\s+at /);
    expect(output).toContain('\nCaused by: Error: root cause: socket closed\n');
    expect(output).not.toMatch(/Object\(|requestId: /);
  });

  it('go to any logger as one object of fields with logFormat fields, the context last', async () => {
    const logs = new ObjectLogger();
    const app = await createTestApp(
      adapter,
      ErrorsModule.forRoot({ errors: [AppErrors], logFormat: 'fields' }),
      {
        logger: logs,
      },
    );
    try {
      await request(app.getHttpServer()).get('/users/7').set('X-Request-Id', 'object-1').expect(404);
    } finally {
      await app.close();
    }
    const call = logs.calls.find((args) => args.at(-1) === 'ErrorEnvelope');
    expect(call).toEqual([
      {
        msg: expect.stringMatching(
          /^GET \/users\/7 404 USER_NOT_FOUND\(10001\) requestId=object-1 \d+\.\dms$/,
        ),
        method: 'GET',
        path: '/users/7',
        status: 404,
        code: 10001,
        reason: 'USER_NOT_FOUND',
        requestId: 'object-1',
        durationMs: expect.any(Number),
      },
      'ErrorEnvelope',
    ]);
  });
});

describe('the logFormat option', () => {
  it('fails the boot with a message naming it', async () => {
    const failure = await createTestApp(
      'express',
      ErrorsModule.forRoot({ errors: [AppErrors], logFormat: 'json' as never }),
    ).catch((error: unknown) => error);
    expect((failure as Error).message).toBe(
      "ErrorsModule: option 'logFormat' must be one of 'auto', 'text' or 'fields', got 'json'",
    );
  });
});
