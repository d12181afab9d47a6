import { describe, expect, it } from 'vitest';
import { CrashSites, throwSite } from './crash-sites.js';

const thrownHere = () => new TypeError('x is undefined');
const thrownThere = () => new TypeError('x is undefined');

describe('CrashSites', () => {
  it('remembers the throw site of an error by its class and message', () => {
    const sites = new CrashSites();
    const first = thrownHere();
    expect(sites.recall(first)).toBeUndefined();
    sites.remember(first, throwSite(first.stack!));
    // another error of the same class and message is recalled without reading its stack
    const again = thrownHere();
    expect(sites.recall(again)?.at).toBe(throwSite(first.stack!));
    expect(sites.recall(new RangeError('x is undefined'))).toBeUndefined();
    expect(sites.recall(new TypeError('y is undefined'))).toBeUndefined();
  });

  it('keeps the last site read when the same class and message is thrown elsewhere', () => {
    const sites = new CrashSites();
    const here = thrownHere();
    const there = thrownThere();
    sites.remember(here, throwSite(here.stack!));
    sites.remember(there, throwSite(there.stack!));
    expect(sites.recall(thrownHere())?.at).toContain('thrownThere');
  });

  it('keys a site once per kind, and gives back the same site while it does not move', () => {
    const sites = new CrashSites();
    const first = thrownHere();
    const at = throwSite(first.stack!);
    const site = sites.remember(first, at)!;
    expect(sites.remember(thrownHere(), at)).toBe(site);
    const key = site.keyOf('500 INTERNAL_ERROR(10000)');
    expect(key).toBe(`500 INTERNAL_ERROR(10000) ${at}`);
    // the very string again, not one built anew
    expect(site.keyOf('500 INTERNAL_ERROR(10000)')).toBe(key);
    expect(site.keyOf('503 UPSTREAM_DOWN(10003)')).toBe(`503 UPSTREAM_DOWN(10003) ${at}`);
    // thrown elsewhere now: a new site, which the class and message recall from here on
    const moved = sites.remember(thrownThere(), 'TypeError at elsewhere')!;
    expect(moved).not.toBe(site);
    expect(sites.recall(thrownHere())).toBe(moved);
  });

  it('tells errors apart by class and by message, a message by its first 200 characters', () => {
    const sites = new CrashSites();
    sites.remember(new TypeError('a'), 'one');
    sites.remember(new RangeError('a'), 'two');
    sites.remember(new TypeError(`${'x'.repeat(200)}1`), 'three');
    expect(sites.recall(new TypeError('a'))?.at).toBe('one');
    expect(sites.recall(new RangeError('a'))?.at).toBe('two');
    expect(sites.recall(new TypeError(`${'x'.repeat(200)}2`))?.at).toBe('three');
    expect(sites.recall(new TypeError('b'))).toBeUndefined();
  });

  it('remembers nothing of what is not an Error, nor of an error whose message cannot be read', () => {
    const sites = new CrashSites();
    expect(sites.remember('boom', 'site')).toBeUndefined();
    expect(sites.recall('boom')).toBeUndefined();
    const hostile = new Error('x');
    Object.defineProperty(hostile, 'message', {
      get() {
        throw new Error('no');
      },
    });
    sites.remember(hostile, 'site');
    expect(sites.recall(hostile)).toBeUndefined();
  });

  it('starts over past its bound instead of growing with messages that vary', () => {
    const sites = new CrashSites();
    const kept = new Error('kept');
    sites.remember(kept, 'site');
    for (let index = 0; index < 1000; index++) sites.remember(new Error(`order ${index} failed`), 'site');
    expect(sites.recall(kept)).toBeUndefined();
  });

  it('names the class and first frame of a stack', () => {
    expect(throwSite('TypeError: x\n    at total (file:///app/orders.js:12:7)\n    at run')).toBe(
      'TypeError at total (file:///app/orders.js:12:7)',
    );
    expect(throwSite('Error: no frames')).toBe('Error');
  });
});
