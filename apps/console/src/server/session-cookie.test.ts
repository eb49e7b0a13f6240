import { describe, expect, it } from 'vitest';
import { SESSION_COOKIE, sessionCookieOptions, sessionTokenFrom } from './session-cookie';

describe('session cookie', () => {
  it('is httpOnly and SameSite=Lax, Secure in production except on loopback', () => {
    const at = new Date();
    expect(sessionCookieOptions(at, { production: true, host: 'console.shop.example' })).toMatchObject({
      httpOnly: true,
      sameSite: 'lax',
      secure: true,
    });
    expect(sessionCookieOptions(at, { production: true, host: '127.0.0.1:3000' }).secure).toBe(false);
    expect(sessionCookieOptions(at, { production: false, host: 'console.shop.example' }).secure).toBe(false);
  });

  it('finds the token among other cookies', () => {
    expect(sessionTokenFrom(`a=1; ${SESSION_COOKIE}=tok%2Fen; b=2`)).toBe('tok/en');
    expect(sessionTokenFrom('a=1')).toBeUndefined();
    expect(sessionTokenFrom(null)).toBeUndefined();
  });
});
