import { describe, it, expect, vi } from 'vitest';
import { AxiosHeaders, type AxiosResponse } from 'axios';
import { ResponseInterceptors } from './response-interceptors.js';

type Fulfilled = (response: AxiosResponse) => AxiosResponse;
type Rejected = (error: unknown) => unknown;

function response(data: unknown): AxiosResponse {
  return { data, status: 200, statusText: 'OK', headers: {}, config: { headers: new AxiosHeaders() } };
}

function tagging(tag: string, calls: string[]) {
  return vi.fn<Fulfilled>((res) => {
    calls.push(tag);
    return response(`${String(res.data)}>${tag}`);
  });
}

describe('ResponseInterceptors', () => {
  it('passes the result through when there are no handlers', async () => {
    const interceptors = new ResponseInterceptors();
    const ok = response('ok');
    const error = new Error('down');
    await expect(interceptors.run(Promise.resolve(ok))).resolves.toBe(ok);
    await expect(interceptors.run(Promise.reject(error))).rejects.toBe(error);
  });

  it('returns consecutive ids', () => {
    const interceptors = new ResponseInterceptors();
    expect(interceptors.use((r) => r)).toBe(0);
    expect(interceptors.use((r) => r)).toBe(1);
    expect(interceptors.use(null, (e) => e)).toBe(2);
  });

  it('runs fulfilled handlers in the order added, each once, on the previous result', async () => {
    const interceptors = new ResponseInterceptors();
    const calls: string[] = [];
    const a = tagging('a', calls);
    const b = tagging('b', calls);
    const c = tagging('c', calls);
    interceptors.use(a);
    interceptors.use(b);
    interceptors.use(c);
    const result = await interceptors.run(Promise.resolve(response('start')));
    expect(result.data).toBe('start>a>b>c');
    expect(calls).toEqual(['a', 'b', 'c']);
    expect(a).toHaveBeenCalledTimes(1);
    expect(b).toHaveBeenCalledTimes(1);
    expect(c).toHaveBeenCalledTimes(1);
  });

  it('runs the handlers again on every run', async () => {
    const interceptors = new ResponseInterceptors();
    const calls: string[] = [];
    interceptors.use(tagging('a', calls));
    await interceptors.run(Promise.resolve(response('1')));
    await interceptors.run(Promise.resolve(response('2')));
    expect(calls).toEqual(['a', 'a']);
  });

  it('awaits an async fulfilled handler', async () => {
    const interceptors = new ResponseInterceptors();
    interceptors.use(async (res) => response(`${String(res.data)}!`));
    interceptors.use((res) => response(`${String(res.data)}?`));
    await expect(interceptors.run(Promise.resolve(response('x')))).resolves.toMatchObject({ data: 'x!?' });
  });

  it('does not call rejected handlers on success, nor fulfilled ones on failure', async () => {
    const interceptors = new ResponseInterceptors();
    const fulfilled = vi.fn<Fulfilled>((res) => res);
    const rejected = vi.fn<Rejected>((error) => Promise.reject(error));
    interceptors.use(fulfilled, rejected);
    await interceptors.run(Promise.resolve(response('ok')));
    expect(fulfilled).toHaveBeenCalledTimes(1);
    expect(rejected).not.toHaveBeenCalled();
    const error = new Error('down');
    await expect(interceptors.run(Promise.reject(error))).rejects.toBe(error);
    expect(fulfilled).toHaveBeenCalledTimes(1);
    expect(rejected).toHaveBeenCalledTimes(1);
    expect(rejected).toHaveBeenCalledWith(error);
  });

  it('passes through handlers given as null or undefined', async () => {
    const interceptors = new ResponseInterceptors();
    interceptors.use(null, null);
    interceptors.use();
    const ok = response('ok');
    const error = new Error('down');
    await expect(interceptors.run(Promise.resolve(ok))).resolves.toBe(ok);
    await expect(interceptors.run(Promise.reject(error))).rejects.toBe(error);
  });

  describe('eject', () => {
    it('removes one handler and keeps the ids of the others', async () => {
      const interceptors = new ResponseInterceptors();
      const calls: string[] = [];
      const first = interceptors.use(tagging('a', calls));
      const second = interceptors.use(tagging('b', calls));
      interceptors.use(tagging('c', calls));
      interceptors.eject(first);
      interceptors.eject(second);
      const result = await interceptors.run(Promise.resolve(response('start')));
      expect(result.data).toBe('start>c');
      expect(calls).toEqual(['c']);
    });

    it('does not reuse the id of an ejected handler', () => {
      const interceptors = new ResponseInterceptors();
      const first = interceptors.use((r) => r);
      interceptors.eject(first);
      expect(interceptors.use((r) => r)).toBe(1);
    });

    it('ignores an unknown id and a second eject', async () => {
      const interceptors = new ResponseInterceptors();
      const calls: string[] = [];
      const id = interceptors.use(tagging('a', calls));
      interceptors.use(tagging('b', calls));
      interceptors.eject(id);
      interceptors.eject(id);
      interceptors.eject(42);
      interceptors.eject(-1);
      const result = await interceptors.run(Promise.resolve(response('start')));
      expect(result.data).toBe('start>b');
    });
  });

  describe('clear', () => {
    it('removes every handler', async () => {
      const interceptors = new ResponseInterceptors();
      const calls: string[] = [];
      interceptors.use(tagging('a', calls));
      interceptors.use(tagging('b', calls));
      interceptors.clear();
      const ok = response('ok');
      await expect(interceptors.run(Promise.resolve(ok))).resolves.toBe(ok);
      expect(calls).toEqual([]);
    });

    it('lets handlers be added again', async () => {
      const interceptors = new ResponseInterceptors();
      const calls: string[] = [];
      interceptors.use(tagging('a', calls));
      interceptors.clear();
      interceptors.use(tagging('b', calls));
      const result = await interceptors.run(Promise.resolve(response('start')));
      expect(result.data).toBe('start>b');
      expect(calls).toEqual(['b']);
    });
  });

  describe('errors', () => {
    it('lets a rejected handler recover with a response', async () => {
      const interceptors = new ResponseInterceptors();
      const calls: string[] = [];
      interceptors.use(null, () => response('fallback'));
      interceptors.use(tagging('after', calls));
      const result = await interceptors.run(Promise.reject(new Error('down')));
      expect(result.data).toBe('fallback>after');
      expect(calls).toEqual(['after']);
    });

    it('lets a rejected handler replace the error', async () => {
      const interceptors = new ResponseInterceptors();
      const replaced = new Error('replaced');
      const seen = vi.fn<Rejected>((error) => Promise.reject(error));
      interceptors.use(null, () => Promise.reject(replaced));
      interceptors.use(null, seen);
      await expect(interceptors.run(Promise.reject(new Error('down')))).rejects.toBe(replaced);
      expect(seen).toHaveBeenCalledWith(replaced);
    });

    it('lets a fulfilled handler throw, which the next handlers see as a failure', async () => {
      const interceptors = new ResponseInterceptors();
      const thrown = new Error('bad payload');
      const ownRejected = vi.fn<Rejected>();
      const nextFulfilled = vi.fn<Fulfilled>((res) => res);
      const nextRejected = vi.fn<Rejected>((error) => Promise.reject(error));
      interceptors.use(() => {
        throw thrown;
      }, ownRejected);
      interceptors.use(nextFulfilled, nextRejected);
      await expect(interceptors.run(Promise.resolve(response('ok')))).rejects.toBe(thrown);
      expect(ownRejected).not.toHaveBeenCalled();
      expect(nextFulfilled).not.toHaveBeenCalled();
      expect(nextRejected).toHaveBeenCalledWith(thrown);
    });

    it('lets a later rejected handler recover from a fulfilled handler that threw', async () => {
      const interceptors = new ResponseInterceptors();
      interceptors.use(() => {
        throw new Error('bad payload');
      });
      interceptors.use(null, () => response('recovered'));
      await expect(interceptors.run(Promise.resolve(response('ok')))).resolves.toMatchObject({
        data: 'recovered',
      });
    });
  });
});
