// Hash routes: #/signin, #/cockpit/<unionId>?period=YYYY-MM, #/ops, #/funds (the root union's funds). A union id in the URL is
// only a request: the API decides whether the signed-in person may read it.
import { isPeriod } from './format';

export type Route =
  | { page: 'signin' }
  | { page: 'home' }
  | { page: 'cockpit'; unionId: string; period?: string }
  | { page: 'ops'; trace?: string }
  | { page: 'funds' };

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [path, query = ''] = raw.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(query);
  if (parts[0] === 'signin') return { page: 'signin' };
  if (parts[0] === 'cockpit' && parts[1]) {
    const p = params.get('period');
    return { page: 'cockpit', unionId: parts[1], ...(isPeriod(p) ? { period: p } : {}) };
  }
  if (parts[0] === 'funds') return { page: 'funds' };
  if (parts[0] === 'ops') {
    const trace = params.get('trace');
    return trace ? { page: 'ops', trace } : { page: 'ops' };
  }
  return { page: 'home' };
}

export function formatRoute(route: Route): string {
  switch (route.page) {
    case 'signin':
      return '#/signin';
    case 'home':
      return '#/';
    case 'cockpit':
      return `#/cockpit/${encodeURIComponent(route.unionId)}${route.period ? `?period=${route.period}` : ''}`;
    case 'ops':
      return `#/ops${route.trace ? `?trace=${encodeURIComponent(route.trace)}` : ''}`;
    case 'funds':
      return '#/funds';
  }
}

/** Where a signed-in person starts: operators on the operations view, admins on the root union's
 * funds (what waits for a second admin), everyone else on their
 * union's cockpit (a cadre's scope union, else their own; the API refuses the figures to anyone who is not a cadre in scope). */
export function homeFor(
  me: { tier: string; union: { id: string } } | null | undefined, scopeUnionId: string | null = null,
): Route {
  if (!me) return { page: 'signin' };
  if (me.tier === 'OPERATOR') return { page: 'ops' };
  if (me.tier === 'ADMIN') return { page: 'funds' };
  return { page: 'cockpit', unionId: scopeUnionId ?? me.union.id };
}
