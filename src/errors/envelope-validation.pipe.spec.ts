import type { ArgumentMetadata } from '@nestjs/common';
import { Type } from 'class-transformer';
import * as classValidator from 'class-validator';
import { IsInt, MinLength, Min, ValidateNested } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { EnvelopeValidationPipe, type EnvelopeValidationPipeOptions } from './envelope-validation.pipe.js';
import { ValidationFailedException } from './validation-failed.exception.js';

class CodeDto {
  @MinLength(3, { groups: ['draft'] })
  @MinLength(8, { groups: ['final'] })
  code!: string;
}

class CellDto {
  @IsInt()
  @Min(5)
  n!: number;
}

class GridDto {
  @ValidateNested({ each: true })
  @Type(() => CellDto)
  cells!: CellDto[];

  @ValidateNested()
  @Type(() => CellDto)
  corner!: CellDto;
}

const body = (metatype: Function): ArgumentMetadata => ({
  type: 'body',
  metatype: metatype as never,
  data: '',
});

/** The failure of one value, as the envelope gets it. */
async function failure(
  options: EnvelopeValidationPipeOptions,
  value: unknown,
  metatype: Function,
): Promise<ValidationFailedException> {
  const error: unknown = await new EnvelopeValidationPipe(options).transform(value, body(metatype)).then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(ValidationFailedException);
  return error as ValidationFailedException;
}

describe('EnvelopeValidationPipe', () => {
  it("finds each constraint's arguments in nested DTOs and arrays without the errors' targets", async () => {
    const { issues } = await failure({}, { cells: [{ n: 6 }, { n: 1 }], corner: { n: 2 } }, GridDto);
    expect(issues.map((issue) => [issue.path, issue.constraint, issue.args])).toEqual([
      [['cells', 1, 'n'], 'min', [5]],
      [['corner', 'n'], 'min', [5]],
    ]);
  });

  it('still finds them when the app asks for the targets', async () => {
    const { issues } = await failure(
      { validationError: { target: true } },
      { cells: [{ n: 1 }], corner: {} },
      GridDto,
    );
    expect(issues.map((issue) => [issue.path, issue.constraint, issue.args])).toEqual([
      [['cells', 0, 'n'], 'min', [5]],
      [['corner', 'n'], 'min', [5]],
      [['corner', 'n'], 'isInt', []],
    ]);
  });

  it('takes the arguments of the validation groups the pipe validates with', async () => {
    for (const [group, minimum] of [
      ['draft', 3],
      ['final', 8],
    ] as const) {
      const { issues } = await failure({ groups: [group] }, { code: 'ab' }, CodeDto);
      expect(issues.map((issue) => [issue.constraint, issue.args])).toEqual([['minLength', [minimum]]]);
    }
  });

  it("reads the metadata of the app's validatorPackage", async () => {
    // a package whose storage tells other arguments than class-validator's own
    const storage = classValidator.getMetadataStorage();
    const validatorPackage = {
      ...classValidator,
      getMetadataStorage: () => ({
        getTargetValidationMetadatas: (...args: Parameters<typeof storage.getTargetValidationMetadatas>) =>
          storage
            .getTargetValidationMetadatas(...args)
            .map((metadata) => (metadata.name === 'min' ? { ...metadata, constraints: [42] } : metadata)),
      }),
    };
    const { issues } = await failure({ validatorPackage }, { cells: [], corner: { n: 1 } }, GridDto);
    expect(issues.map((issue) => [issue.constraint, issue.args])).toEqual([['min', [42]]]);
  });

  it('without metadata in the validatorPackage, keeps the failures and leaves the arguments out', async () => {
    const validatorPackage = { validate: classValidator.validate };
    const { issues } = await failure({ validatorPackage }, { cells: [], corner: { n: 1 } }, GridDto);
    expect(issues.map((issue) => [issue.constraint, issue.args])).toEqual([['min', []]]);
  });

  it('keeps under maxErrorMessagesLength what Nest keeps, and counts every failure', async () => {
    const cells = Array.from({ length: 10 }, () => ({ n: 'x' }));
    const all = await failure({}, { cells, corner: { n: 1 } }, GridDto);
    const bounded = await failure({ maxErrorMessagesLength: 50 }, { cells, corner: { n: 1 } }, GridDto);
    expect(all.issueCount).toBe(21);
    expect(bounded.issueCount).toBe(21);
    expect(bounded.issues.length).toBeGreaterThan(0);
    expect(bounded.issues.length).toBeLessThan(all.issues.length);
    expect(bounded.issues).toEqual(all.issues.slice(0, bounded.issues.length));
  });

  it('still caps the field errors at maxFieldErrors', async () => {
    const cells = Array.from({ length: 10 }, () => ({ n: 'x' }));
    const { issues, issueCount } = await failure({ maxFieldErrors: 3 }, { cells, corner: {} }, GridDto);
    expect(issues).toHaveLength(3);
    expect(issueCount).toBe(22);
  });

  it('answers with errorHttpStatusCode and without field errors under disableErrorMessages', async () => {
    const error = await failure(
      { errorHttpStatusCode: 422, disableErrorMessages: true },
      { cells: 1 },
      GridDto,
    );
    expect([error.status, error.issues, error.issueCount]).toEqual([422, [], 0]);
  });

  it('holds a body to its bounds when only expectedType names its class', async () => {
    const pipe = new EnvelopeValidationPipe({
      expectedType: GridDto,
      bodyLimits: { maxBodyDepth: 8, maxArrayLength: 3, maxBodyNodes: 100 },
    });
    const untyped: ArgumentMetadata = { type: 'body', metatype: undefined, data: '' };
    const cells = Array.from({ length: 4 }, () => ({ n: 6 }));
    const error: unknown = await pipe
      .transform({ cells, corner: { n: 6 } }, untyped)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationFailedException);
    expect((error as ValidationFailedException).issues).toMatchObject([
      { path: ['cells'], constraint: 'arrayMaxSize', args: [3] },
    ]);
    // within the bounds, the same untyped param is validated against expectedType
    await expect(pipe.transform({ cells: cells.slice(1), corner: { n: 6 } }, untyped)).resolves.toBeDefined();
    await expect(pipe.transform({ cells: [{ n: 1 }], corner: { n: 6 } }, untyped)).rejects.toBeInstanceOf(
      ValidationFailedException,
    );
  });

  it('answers a body nested past the call stack with tooComplex when its bounds allow one', async () => {
    let deep: unknown = { n: 6 };
    for (let level = 0; level < 1_000_000; level++) deep = { n: 6, corner: deep };
    const unbounded = { maxBodyDepth: 10_000_000, maxArrayLength: 10, maxBodyNodes: 10_000_000 };
    const error = await failure({ bodyLimits: unbounded }, { cells: [], corner: deep }, GridDto);
    expect(error.issues).toMatchObject([{ path: [], constraint: 'tooComplex' }]);
    expect(error.cause).toBeInstanceOf(RangeError);
  });
});
