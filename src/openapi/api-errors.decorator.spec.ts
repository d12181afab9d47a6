import { describe, expect, it } from 'vitest';
import { AppErrors } from '../../test/fixtures/app-errors.js';
import { ApiErrors, declaredErrors } from './api-errors.decorator.js';

describe('ApiErrors', () => {
  it("lists a controller's errors, then the route's, in the order written", () => {
    @ApiErrors('FORBIDDEN')
    class Orders {
      @ApiErrors(AppErrors.ORDER_LOCKED, 404)
      @ApiErrors('CONFLICT')
      lock() {}

      other() {}
    }
    expect(declaredErrors(Orders, Orders.prototype.lock)).toEqual([
      'FORBIDDEN',
      AppErrors.ORDER_LOCKED,
      404,
      'CONFLICT',
    ]);
    expect(declaredErrors(Orders, Orders.prototype.other)).toEqual(['FORBIDDEN']);
  });

  it("keeps a base controller's errors on a controller that extends it", () => {
    @ApiErrors('UNAUTHORIZED')
    class Base {}
    @ApiErrors('FORBIDDEN')
    class Admin extends Base {
      list() {}
    }
    class Plain extends Base {
      list() {}
    }
    expect(declaredErrors(Admin, Admin.prototype.list)).toEqual(['FORBIDDEN', 'UNAUTHORIZED']);
    expect(declaredErrors(Plain, Plain.prototype.list)).toEqual(['UNAUTHORIZED']);
    expect(declaredErrors(Base, () => undefined)).toEqual(['UNAUTHORIZED']);
  });

  it('refuses what is neither an entry, a reason nor a code', () => {
    expect(() => ApiErrors(null as never)).toThrow(
      new TypeError('@ApiErrors() takes catalog entries, reasons or codes, got null'),
    );
    expect(() => ApiErrors({ code: 1 } as never)).toThrow(TypeError);
  });
});
