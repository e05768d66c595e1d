// The token pair, kept in sessionStorage (gone with the tab). An access token is refreshed a
// little before its `exp`; a failed refresh ends the session and the page returns to sign-in.
export interface Tokens {
  accessToken: string;
  refreshToken: string;
}

const KEY = 'unionhub.console.session';
type Listener = (tokens: Tokens | null) => void;
const listeners = new Set<Listener>();

export function loadTokens(): Tokens | null {
  try {
    const raw = globalThis.sessionStorage?.getItem(KEY);
    const parsed = raw ? (JSON.parse(raw) as Partial<Tokens>) : null;
    return parsed?.accessToken && parsed.refreshToken
      ? { accessToken: parsed.accessToken, refreshToken: parsed.refreshToken }
      : null;
  } catch {
    return null;
  }
}

/** Keeps (or forgets) the pair without telling the page: for a page about to be replaced. */
export function storeTokens(tokens: Tokens | null): void {
  if (tokens) globalThis.sessionStorage?.setItem(KEY, JSON.stringify(tokens));
  else globalThis.sessionStorage?.removeItem(KEY);
}

export function saveTokens(tokens: Tokens | null): void {
  storeTokens(tokens);
  listeners.forEach((fn) => fn(tokens));
}

export function onTokens(fn: Listener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function claims(token: string): Record<string, unknown> | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    return JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** The `exp` claim (seconds) of a JWT, or null when the token is not a readable JWT. */
export function tokenExpiry(token: string): number | null {
  const exp = claims(token)?.exp;
  return typeof exp === 'number' ? exp : null;
}

/** The union a cadre's scope starts at (the access token's `org` claim), for the first page
 * only: the API decides what the cadre may read. The schema has no field for it yet. */
export function scopeUnionId(token: string): string | null {
  const org = claims(token)?.org;
  return typeof org === 'number' || typeof org === 'string' ? String(org) : null;
}

/** Refresh when the token expires within `marginSeconds` (or cannot be read). */
export function needsRefresh(token: string, nowMs: number, marginSeconds = 30): boolean {
  const exp = tokenExpiry(token);
  return exp === null || exp * 1000 - nowMs < marginSeconds * 1000;
}
