/** The session cookie under an https PUBLIC_URL: Secure, with the __Secure- prefix; and the origin checks. */
import { beforeAll, describe, expect, it } from 'vitest';

let cookies: typeof import('../../shared/http/cookies.js');
beforeAll(async () => {
  // This file's own module graph: the configuration is read when cookies.js first loads it.
  process.env.PUBLIC_URL = 'https://members.example.com';
  cookies = await import('../../shared/http/cookies.js');
});

describe('the Console session cookie', () => {
  it('is Secure with the __Secure- prefix when PUBLIC_URL is https', () => {
    const set = cookies.sessionCookie('rrt_abc', 60);
    expect(set.split('; ').sort()).toEqual(['HttpOnly', 'Max-Age=60', 'Path=/auth/session', 'SameSite=Strict', 'Secure', '__Secure-roster_session=rrt_abc']);
    expect(cookies.clearedSessionCookie()).toBe('__Secure-roster_session=; Path=/auth/session; Max-Age=0; HttpOnly; SameSite=Strict; Secure');
  });

  it('is read from API Gateway\'s cookies array or a Cookie header, first value winning', () => {
    expect(cookies.parseCookies(['a=1', '__Secure-roster_session=rrt_x'], 'a=2; b=3')).toEqual({ a: '1', '__Secure-roster_session': 'rrt_x', b: '3' });
    expect(cookies.parseCookies(undefined, '=x; ; novalue')).toEqual({});
  });

  it('honours only our own origin', () => {
    expect(() => cookies.assertSameOrigin({ origin: 'https://members.example.com', 'sec-fetch-site': 'same-origin' })).not.toThrow();
    expect(() => cookies.assertSameOrigin({})).not.toThrow();
    for (const headers of [{ origin: 'http://members.example.com' }, { origin: 'https://evil.example.net' }, { origin: 'null' }, { 'sec-fetch-site': 'same-site' }, { 'sec-fetch-site': 'cross-site' }]) {
      expect(() => cookies.assertSameOrigin(headers), JSON.stringify(headers)).toThrow(/this origin/);
    }
    expect(() => cookies.assertCsrfHeader({ 'x-roster-csrf': '1' })).not.toThrow();
    expect(() => cookies.assertCsrfHeader({ 'x-roster-csrf': 'yes' })).toThrow();
  });
});
