/** URLs as they may be logged: no credentials, secret-looking query values masked; and which headers are secrets. */

const SECRET_KEY = /pass|secret|token|key|auth|sig|session|credential|code/i;
/** Headers that carry credentials without saying so in their name. */
const SECRET_HEADERS: ReadonlySet<string> = new Set(['cookie']);
const MASK = '***';

/**
 * A header whose value is to be treated as a secret: `Authorization`,
 * `Proxy-Authorization`, `Cookie`, and every name that looks like a secret
 * query key (`X-Api-Key`, `X-Auth-Token`, `X-Session-Id`, ...).
 */
export function isSecretHeader(name: string): boolean {
  return SECRET_KEY.test(name) || SECRET_HEADERS.has(name.toLowerCase());
}

/** `https://user:pw@api.example.com/x?token=abc&page=2` -> `https://api.example.com/x?token=***&page=2` */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // a relative or broken URL: no credentials, no fragment, the whole query masked
    const bare = url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1').replace(/#.*$/s, '');
    const query = bare.indexOf('?');
    return query === -1 ? bare : `${bare.slice(0, query)}?${MASK}`;
  }
  parsed.username = '';
  parsed.hash = '';
  parsed.password = '';
  for (const key of new Set(parsed.searchParams.keys())) {
    if (SECRET_KEY.test(key)) parsed.searchParams.set(key, MASK);
  }
  return parsed.toString().replaceAll(encodeURIComponent(MASK), MASK);
}
