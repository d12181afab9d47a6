import type { ValidatorOptions } from '@nestjs/common/interfaces/external/validator-options.interface.js';
import type { ConstraintInfo } from './field-errors.js';

type MetadataLike = {
  propertyName: string;
  name?: string;
  type: string;
  constraints?: unknown[];
  message?: unknown;
};

/** What the pipe reads of class-validator's metadata storage. */
export type MetadataStorageLike = {
  getTargetValidationMetadatas(
    target: Function,
    schema: string,
    always: boolean,
    strict: boolean,
    groups?: string[],
  ): MetadataLike[];
};

type ValidatorModuleLike = {
  getMetadataStorage?: () => MetadataStorageLike;
  default?: { getMetadataStorage?: () => MetadataStorageLike };
};

/**
 * The arguments and own-message flag of each constraint a DTO class
 * declares, read once per class from the metadata storage of the validator
 * package the pipe validates with, for the groups it validates.
 */
export class ConstraintDeclarations {
  /** Per class, per property, per constraint name: no key is built for a lookup. */
  private readonly byClass = new WeakMap<Function, Map<string, Map<string, ConstraintInfo>>>();
  private loading: Promise<MetadataStorageLike | undefined> | undefined;
  private storage: MetadataStorageLike | undefined;

  /**
   * @param validatorPackage the app's `validatorPackage`, else class-validator
   * @param options the pipe's validator options (`groups`, `always`, `strictGroups`)
   */
  constructor(
    private readonly validatorPackage: object | undefined,
    private readonly options: Pick<ValidatorOptions, 'groups' | 'always' | 'strictGroups'>,
  ) {}

  /** Loads the metadata storage; a package without one leaves every lookup empty. */
  async load(): Promise<void> {
    this.loading ??= loadMetadataStorage(this.validatorPackage);
    this.storage = await this.loading;
  }

  /** The declaration of `constraint` on `property` of `type`, once {@link load} has run. */
  find(type: Function | undefined, property: string, constraint: string): ConstraintInfo | undefined {
    const storage = this.storage;
    if (typeof type !== 'function' || type === Object || type === Array || !storage) return undefined;
    let declarations = this.byClass.get(type);
    if (!declarations) {
      declarations = new Map();
      const { always = false, strictGroups = false, groups } = this.options;
      for (const metadata of storage.getTargetValidationMetadatas(type, '', always, strictGroups, groups)) {
        let constraints = declarations.get(metadata.propertyName);
        if (!constraints) declarations.set(metadata.propertyName, (constraints = new Map()));
        const name = metadata.name ?? metadata.type;
        if (!constraints.has(name)) {
          constraints.set(name, { args: metadata.constraints ?? [], custom: isOwnMessage(metadata.message) });
        }
      }
      this.byClass.set(type, declarations);
    }
    return declarations.get(property)?.get(constraint);
  }
}

/** class-validator's `@ValidateNested` sets this text itself: it is not the DTO's own. */
const NESTED_DEFAULT_MESSAGE = /^(each value in )?nested property \$property must be either object or array$/;

function isOwnMessage(message: unknown): boolean {
  return message !== undefined && !(typeof message === 'string' && NESTED_DEFAULT_MESSAGE.test(message));
}

async function loadMetadataStorage(
  validatorPackage: object | undefined,
): Promise<MetadataStorageLike | undefined> {
  try {
    const module = (validatorPackage ?? (await import('class-validator'))) as ValidatorModuleLike;
    return (module.getMetadataStorage ?? module.default?.getMetadataStorage)?.();
  } catch {
    // no metadata: the messages that need a constraint's arguments keep the validator's text
    return undefined;
  }
}
