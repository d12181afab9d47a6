/**
 * Which injection tokens an app's classes ask for, read from the metadata
 * Nest itself resolves dependencies from, once the modules are scanned.
 * It decides whether requests need the async context store: only while some
 * class of the app injects a client that forwards request ids.
 */
import type { Type } from '@nestjs/common';
import {
  PARAMTYPES_METADATA,
  PROPERTY_DEPS_METADATA,
  SELF_DECLARED_DEPS_METADATA,
} from '@nestjs/common/constants.js';
import type { ModulesContainer } from '@nestjs/core';

/** What Nest keeps of one provider, controller, enhancer or middleware. */
interface Wrapper {
  readonly metatype?: unknown;
  readonly inject?: readonly unknown[] | null;
}

/** True when a provider, controller, enhancer or middleware of the app injects one of `tokens`. */
export function injectsAnyOf(container: ModulesContainer, tokens: ReadonlySet<unknown>): boolean {
  if (tokens.size === 0) return false;
  for (const module of container.values()) {
    const groups: Iterable<Wrapper>[] = [
      module.providers.values(),
      module.controllers.values(),
      module.injectables.values(),
      module.middlewares.values(),
    ];
    for (const group of groups) {
      for (const wrapper of group) {
        if (dependenciesOf(wrapper).some((token) => tokens.has(token))) return true;
      }
    }
  }
  return false;
}

/** The tokens one wrapper asks for: a factory's `inject`, a class's constructor and properties. */
function dependenciesOf(wrapper: Wrapper): unknown[] {
  const tokens: unknown[] = [];
  for (const each of wrapper.inject ?? []) tokens.push(tokenOf(each));
  const type = wrapper.metatype;
  if (typeof type !== 'function' || wrapper.inject) return tokens;
  const declared = (Reflect.getMetadata(PARAMTYPES_METADATA, type) as unknown[] | undefined) ?? [];
  for (const each of declared) tokens.push(tokenOf(each));
  const overridden = Reflect.getMetadata(SELF_DECLARED_DEPS_METADATA, type) as
    { param: unknown }[] | undefined;
  for (const each of overridden ?? []) tokens.push(tokenOf(each.param));
  const properties = Reflect.getMetadata(PROPERTY_DEPS_METADATA, type as Type) as
    { type: unknown }[] | undefined;
  for (const each of properties ?? []) tokens.push(tokenOf(each.type));
  return tokens;
}

/** A token as written: itself, `forwardRef(() => X)`, or a factory's `{ token, optional }`. */
function tokenOf(written: unknown): unknown {
  if (written === null || typeof written !== 'object') return written;
  const reference = written as { forwardRef?: () => unknown; token?: unknown };
  if (typeof reference.forwardRef === 'function') {
    try {
      return reference.forwardRef();
    } catch {
      return undefined;
    }
  }
  return 'token' in reference ? reference.token : written;
}
