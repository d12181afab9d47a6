import { describe, it, expect } from 'vitest';
import {
  BadGatewayException,
  BadRequestException,
  ConflictException,
  ForbiddenException,
  GatewayTimeoutException,
  GoneException,
  HttpException,
  HttpVersionNotSupportedException,
  ImATeapotException,
  InternalServerErrorException,
  MethodNotAllowedException,
  MisdirectedException,
  NotAcceptableException,
  NotFoundException,
  NotImplementedException,
  PayloadTooLargeException,
  PreconditionFailedException,
  RequestTimeoutException,
  ServiceUnavailableException,
  UnauthorizedException,
  UnprocessableEntityException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { AxiosError } from 'axios';
import { INTERNAL_ERROR_MAPPING, mapException, type MappedError } from './envelope.mapper.js';
import { DomainException } from '../core/domain.exception.js';
import { BuiltInErrors, ErrorCatalog, defineErrors } from '../core/error-catalog.js';
import { AppErrors } from '../../test/fixtures/app-errors.js';
import type { FieldIssue } from './field-errors.js';
import { ValidationFailedException } from './validation-failed.exception.js';

const catalog = new ErrorCatalog([AppErrors]);

const INTERNAL: MappedError = {
  entry: BuiltInErrors.INTERNAL_ERROR,
  status: 500,
  params: undefined,
  details: undefined,
  issues: undefined,
  issueCount: 0,
};

describe('mapException', () => {
  describe('DomainException', () => {
    it('maps an exception thrown with its entry', () => {
      const exception = new DomainException(AppErrors.USER_NOT_FOUND, {
        params: { id: 7 },
        details: { id: 7 },
        cause: new Error('row missing'),
      });
      expect(mapException(exception, catalog)).toEqual({
        entry: AppErrors.USER_NOT_FOUND,
        status: 404,
        params: { id: 7 },
        details: { id: 7 },
        issues: undefined,
        issueCount: 0,
      });
    });

    it('maps an exception thrown with a reason', () => {
      const mapped = mapException(new DomainException('USER_NOT_FOUND', { params: { id: 1 } }), catalog);
      expect(mapped.entry).toBe(AppErrors.USER_NOT_FOUND);
      expect(mapped.status).toBe(404);
      expect(mapped.params).toEqual({ id: 1 });
    });

    it('maps an exception thrown with a code', () => {
      const mapped = mapException(new DomainException(10004), catalog);
      expect(mapped.entry).toBe(AppErrors.UPSTREAM_DOWN);
      expect(mapped.status).toBe(503);
    });

    it('maps built-in reasons and codes', () => {
      expect(mapException(new DomainException('CONFLICT'), catalog).entry).toBe(BuiltInErrors.CONFLICT);
      expect(mapException(new DomainException(429), catalog).entry).toBe(BuiltInErrors.TOO_MANY_REQUESTS);
    });

    it('maps an unknown reason or code to INTERNAL_ERROR without its details', () => {
      expect(mapException(new DomainException('NOPE', { details: { secret: 1 } }), catalog)).toEqual(
        INTERNAL,
      );
      expect(mapException(new DomainException(99999), catalog)).toEqual(INTERNAL);
      expect(mapException(new DomainException('10001'), catalog)).toEqual(INTERNAL);
    });

    it('uses an entry the catalog does not hold when thrown with it', () => {
      const [other] = Object.values(
        defineErrors({ ELSEWHERE: { code: 50001, status: 422, messages: { en: 'x' } } }),
      );
      const mapped = mapException(new DomainException(other!), catalog);
      expect(mapped.entry).toBe(other);
      expect(mapped.status).toBe(422);
    });

    it('maps a ValidationFailedException with its issues, count and status', () => {
      const issues: FieldIssue[] = [
        { path: ['name'], constraint: 'isString', args: [], text: 'name must be a string', custom: false },
      ];
      expect(mapException(new ValidationFailedException(issues), catalog)).toEqual({
        entry: BuiltInErrors.VALIDATION_FAILED,
        status: 400,
        params: undefined,
        details: undefined,
        issues,
        issueCount: 1,
      });
      const overridden = mapException(new ValidationFailedException(issues, 12, 422), catalog);
      expect(overridden.status).toBe(422);
      expect(overridden.entry).toBe(BuiltInErrors.VALIDATION_FAILED);
      expect(overridden.issues).toBe(issues);
      expect(overridden.issueCount).toBe(12);
    });
  });

  describe('HttpException', () => {
    it.each([
      [new BadRequestException(), 400, 'BAD_REQUEST'],
      [new UnauthorizedException(), 401, 'UNAUTHORIZED'],
      [new ForbiddenException(), 403, 'FORBIDDEN'],
      [new NotFoundException(), 404, 'NOT_FOUND'],
      [new MethodNotAllowedException(), 405, 'METHOD_NOT_ALLOWED'],
      [new NotAcceptableException(), 406, 'NOT_ACCEPTABLE'],
      [new RequestTimeoutException(), 408, 'REQUEST_TIMEOUT'],
      [new ConflictException(), 409, 'CONFLICT'],
      [new GoneException(), 410, 'GONE'],
      [new PreconditionFailedException(), 412, 'PRECONDITION_FAILED'],
      [new PayloadTooLargeException(), 413, 'PAYLOAD_TOO_LARGE'],
      [new UnsupportedMediaTypeException(), 415, 'UNSUPPORTED_MEDIA_TYPE'],
      [new UnprocessableEntityException(), 422, 'UNPROCESSABLE_ENTITY'],
      [new HttpException('Too Many Requests', 429), 429, 'TOO_MANY_REQUESTS'],
      [new HttpException('Unavailable For Legal Reasons', 451), 451, 'UNAVAILABLE_FOR_LEGAL_REASONS'],
      [new InternalServerErrorException(), 500, 'INTERNAL_ERROR'],
      [new NotImplementedException(), 501, 'NOT_IMPLEMENTED'],
      [new BadGatewayException(), 502, 'BAD_GATEWAY'],
      [new ServiceUnavailableException(), 503, 'SERVICE_UNAVAILABLE'],
      [new GatewayTimeoutException(), 504, 'GATEWAY_TIMEOUT'],
      [new HttpVersionNotSupportedException(), 505, 'HTTP_VERSION_NOT_SUPPORTED'],
    ])('maps %s with its default text to %i %s without details', (exception, status, reason) => {
      const mapped = mapException(exception, catalog);
      expect(mapped.status).toBe(status);
      expect(mapped.entry.reason).toBe(reason);
      expect(mapped.details).toBeUndefined();
      expect(mapped.issues).toBeUndefined();
    });

    it('maps 418', () => {
      const mapped = mapException(new HttpException("I'm a Teapot", 418), catalog);
      expect(mapped.status).toBe(418);
      expect(mapped.entry).toMatchObject({ reason: 'I_M_A_TEAPOT', code: 418 });
      expect(mapped.details).toBeUndefined();
      expect(mapException(new ImATeapotException(), catalog).entry.reason).toBe('I_M_A_TEAPOT');
    });

    // Bug: Nest's default texts "I'm a teapot" and "Misdirected" differ from Node's STATUS_CODES,
    // so the default text is sent as details.message.
    it("treats Nest's own default texts of 418 and 421 as default", () => {
      expect(mapException(new ImATeapotException(), catalog).details).toBeUndefined();
      expect(mapException(new MisdirectedException(), catalog).details).toBeUndefined();
    });

    it('treats a class name before the status text as the default text (throttler’s 429)', () => {
      expect(
        mapException(new HttpException('ThrottlerException: Too Many Requests', 429), catalog),
      ).toMatchObject({
        entry: BuiltInErrors.TOO_MANY_REQUESTS,
        details: undefined,
      });
      expect(
        mapException(new HttpException('QuotaError: Too Many Requests', 429), catalog).details,
      ).toBeUndefined();
      expect(mapException(new HttpException('ThrottlerException: slow down', 429), catalog).details).toEqual({
        message: 'ThrottlerException: slow down',
      });
    });

    it('maps the router’s 404 for an undecodable path to 400 BAD_REQUEST', () => {
      for (const path of ['/nowhere/%E0%A4%A', '/%', '/a/%zz?x=1']) {
        expect(mapException(new NotFoundException(`Cannot GET ${path}`), catalog)).toMatchObject({
          entry: BuiltInErrors.BAD_REQUEST,
          status: 400,
          details: undefined,
        });
      }
    });

    it('keeps the router’s 404 for a decodable path, and for a bad query string only', () => {
      for (const path of ['/nowhere/%20x', '/plain', '/a?x=%zz']) {
        expect(mapException(new NotFoundException(`Cannot GET ${path}`), catalog)).toMatchObject({
          entry: BuiltInErrors.NOT_FOUND,
          status: 404,
        });
      }
    });

    it('sends the custom message of a 4xx as details.message', () => {
      expect(mapException(new NotFoundException('No such order'), catalog)).toMatchObject({
        entry: BuiltInErrors.NOT_FOUND,
        status: 404,
        details: { message: 'No such order' },
      });
      expect(mapException(new HttpException('Seat taken', 409), catalog).details).toEqual({
        message: 'Seat taken',
      });
    });

    it('sends only the message of an object response', () => {
      const exception = new HttpException(
        { message: 'Quota reached', internal: 'db-7', statusCode: 429 },
        429,
      );
      expect(mapException(exception, catalog).details).toEqual({ message: 'Quota reached' });
    });

    it('sends no details for a response without a message', () => {
      expect(mapException(new HttpException({ error: 'x' }, 400), catalog).details).toBeUndefined();
      expect(mapException(new HttpException({ message: 42 }, 400), catalog).details).toBeUndefined();
      expect(mapException(new HttpException('', 400), catalog).details).toBeUndefined();
    });

    it('clips a long message', () => {
      const details = mapException(new BadRequestException('x'.repeat(2000)), catalog).details;
      expect(details).toEqual({ message: 'x'.repeat(500) + '…' });
    });

    it('sends an array message as details.messages', () => {
      expect(mapException(new BadRequestException(['name is bad', 'age is bad']), catalog)).toMatchObject({
        entry: BuiltInErrors.BAD_REQUEST,
        status: 400,
        details: { messages: ['name is bad', 'age is bad'] },
      });
    });

    it('keeps only strings of an array message, at most 20, clipped', () => {
      const messages = ['a', 1, null, 'y'.repeat(600), ...Array.from({ length: 30 }, (_, i) => `m${i}`)];
      const details = mapException(new BadRequestException(messages), catalog).details as {
        messages: string[];
      };
      expect(details.messages).toHaveLength(20);
      expect(details.messages.slice(0, 3)).toEqual(['a', 'y'.repeat(500) + '…', 'm0']);
      expect(mapException(new BadRequestException([1, 2]), catalog).details).toBeUndefined();
      expect(mapException(new BadRequestException([]), catalog).details).toBeUndefined();
    });

    it('never sends details for a 5xx', () => {
      for (const exception of [
        new InternalServerErrorException('password=hunter2'),
        new ServiceUnavailableException(['db-7 is down']),
        new HttpException({ message: 'stack here' }, 502),
        new HttpException('Insufficient storage on /dev/sda1', 507),
      ]) {
        const mapped = mapException(exception, catalog);
        expect(mapped.status).toBe(exception.getStatus());
        expect(mapped.details).toBeUndefined();
      }
    });

    it('maps a 400 caused by a SyntaxError to MALFORMED_JSON', () => {
      const exception = new BadRequestException('Unexpected token } in JSON at position 12', {
        cause: new SyntaxError('Unexpected token } in JSON at position 12'),
      });
      expect(mapException(exception, catalog)).toEqual({
        entry: BuiltInErrors.MALFORMED_JSON,
        status: 400,
        params: undefined,
        details: undefined,
        issues: undefined,
        issueCount: 0,
      });
    });

    it("maps Fastify's JSON body errors to MALFORMED_JSON", () => {
      for (const code of ['FST_ERR_CTP_INVALID_JSON_BODY', 'FST_ERR_CTP_EMPTY_JSON_BODY']) {
        const cause = Object.assign(new Error('Body is not valid JSON'), { code, statusCode: 400 });
        const mapped = mapException(new BadRequestException('Body is not valid JSON', { cause }), catalog);
        expect(mapped.entry).toBe(BuiltInErrors.MALFORMED_JSON);
        expect(mapped.details).toBeUndefined();
      }
    });

    it('does not map a SyntaxError cause of another status to MALFORMED_JSON', () => {
      const exception = new UnprocessableEntityException('Unexpected token', { cause: new SyntaxError('x') });
      const mapped = mapException(exception, catalog);
      expect(mapped.entry).toBe(BuiltInErrors.UNPROCESSABLE_ENTITY);
      expect(mapped.details).toBeUndefined();
    });

    it('sends no details when the cause carries a statusCode (body-parser errors)', () => {
      const cause = Object.assign(new Error('request entity too large'), {
        statusCode: 413,
        status: 413,
        expose: true,
        type: 'entity.too.large',
      });
      const mapped = mapException(new HttpException('request entity too large', 413, { cause }), catalog);
      expect(mapped.entry).toBe(BuiltInErrors.PAYLOAD_TOO_LARGE);
      expect(mapped.status).toBe(413);
      expect(mapped.details).toBeUndefined();
    });

    it('sends no details when the cause is a URIError', () => {
      const exception = new BadRequestException("Failed to decode param '%FF'", {
        cause: new URIError('URI malformed'),
      });
      const mapped = mapException(exception, catalog);
      expect(mapped.entry).toBe(BuiltInErrors.BAD_REQUEST);
      expect(mapped.details).toBeUndefined();
    });

    it("sends no details for the router's route-not-found text", () => {
      for (const text of ['Cannot GET /x?secret=1', 'Cannot POST /admin/users', 'Cannot DELETE /']) {
        const mapped = mapException(new NotFoundException(text), catalog);
        expect(mapped.entry).toBe(BuiltInErrors.NOT_FOUND);
        expect(mapped.details).toBeUndefined();
      }
    });

    it('maps statuses outside 400-599 to INTERNAL_ERROR', () => {
      expect(mapException(new HttpException('Moved', 302), catalog)).toEqual(INTERNAL);
      expect(mapException(new HttpException('OK', 200), catalog)).toEqual(INTERNAL);
      expect(mapException(new HttpException('Weird', 600), catalog)).toEqual(INTERNAL);
    });
  });

  describe('other values', () => {
    it.each([
      ['a string', 'boom'],
      ['null', null],
      ['undefined', undefined],
      ['a number', 404],
      ['a boolean', false],
      ['a symbol', Symbol('x')],
      ['a plain object', { message: 'db password is hunter2' }],
      ['an empty object', {}],
      ['an Error', new Error('connect ECONNREFUSED 10.0.0.7:5432')],
      ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'id')")],
      ['an object with a string statusCode', { statusCode: '413' }],
      ['an object with a 2xx statusCode', { statusCode: 200 }],
      ['an object with a 5xx statusCode', { statusCode: 503, expose: false }],
      ['an object with a fractional statusCode', { statusCode: 404.5 }],
    ])('maps %s to INTERNAL_ERROR', (_, value) => {
      expect(mapException(value, catalog)).toEqual(INTERNAL);
    });

    it('maps an http-errors shaped object to its status', () => {
      const mapped = mapException({ statusCode: 413, expose: true }, catalog);
      expect(mapped.entry).toBe(BuiltInErrors.PAYLOAD_TOO_LARGE);
      expect(mapped.status).toBe(413);
      expect(mapped.details).toBeUndefined();
    });

    it('maps an http-errors Error with a status to its status, without its message', () => {
      const error = Object.assign(new Error('Unsupported charset "UTF-7"'), {
        status: 415,
        statusCode: 415,
        expose: true,
      });
      const mapped = mapException(error, catalog);
      expect(mapped.entry).toBe(BuiltInErrors.UNSUPPORTED_MEDIA_TYPE);
      expect(mapped.details).toBeUndefined();
    });

    it('maps an unlisted transport status to a made entry', () => {
      const mapped = mapException({ statusCode: 418 }, catalog);
      expect(mapped.status).toBe(418);
      expect(mapped.entry.reason).toBe('I_M_A_TEAPOT');
    });

    // Bug: an outbound client's error (axios sets `status` to the upstream response status) escapes
    // as the upstream's status: an upstream 401 tells this API's client it is unauthorized.
    it('does not answer with the status of an upstream response', () => {
      const upstream = new AxiosError(
        'Request failed with status code 401',
        'ERR_BAD_REQUEST',
        undefined,
        undefined,
        {
          status: 401,
        } as any,
      );
      expect(mapException(upstream, catalog).status).toBeGreaterThanOrEqual(500);
    });
  });
});

describe('exceptions that throw while being read', () => {
  it('map to 500 INTERNAL_ERROR instead of throwing', () => {
    const status = new NotFoundException('x');
    status.getStatus = () => {
      throw new Error('getter exploded');
    };
    const details = new DomainException(BuiltInErrors.CONFLICT);
    Object.defineProperty(details, 'details', {
      get() {
        throw new Error('getter exploded');
      },
    });
    for (const exception of [status, details]) {
      expect(mapException(exception, catalog)).toBe(INTERNAL_ERROR_MAPPING);
    }
  });
});
