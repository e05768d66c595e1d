import { describe, expect, it } from 'vitest';
import { needsRefresh, scopeUnionId, tokenExpiry } from '../src/session';

function jwt(claims: Record<string, unknown>): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'HS256' })}.${b64(claims)}.sig`;
}

describe('session tokens', () => {
  it('reads exp and the scope org', () => {
    const token = jwt({ exp: 1_800_000_000, org: 4, sub: '7' });
    expect(tokenExpiry(token)).toBe(1_800_000_000);
    expect(scopeUnionId(token)).toBe('4');
    expect(scopeUnionId(jwt({ exp: 1 }))).toBeNull();
  });
  it('refreshes shortly before expiry, and when the token cannot be read', () => {
    const exp = 1_800_000_000;
    const token = jwt({ exp });
    expect(needsRefresh(token, (exp - 120) * 1000)).toBe(false);
    expect(needsRefresh(token, (exp - 10) * 1000)).toBe(true);
    expect(needsRefresh(token, (exp + 10) * 1000)).toBe(true);
    expect(needsRefresh('not-a-jwt', 0)).toBe(true);
    expect(needsRefresh('a.%%%.c', 0)).toBe(true);
  });
});
