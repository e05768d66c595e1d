import { describe, expect, it } from 'vitest';
import { formatRoute, homeFor, parseRoute } from '../src/route';

describe('routes', () => {
  it('round-trips every page', () => {
    for (const route of [
      { page: 'signin' as const }, { page: 'home' as const },
      { page: 'cockpit' as const, unionId: '12', period: '2026-11' }, { page: 'cockpit' as const, unionId: '3' },
      { page: 'ops' as const }, { page: 'ops' as const, trace: 'ab12' }, { page: 'funds' as const },
    ]) {
      expect(parseRoute(formatRoute(route))).toEqual(route);
    }
  });
  it('drops a malformed period and treats unknown paths as home', () => {
    expect(parseRoute('#/cockpit/7?period=2026-99')).toEqual({ page: 'cockpit', unionId: '7' });
    expect(parseRoute('#/nowhere')).toEqual({ page: 'home' });
    expect(parseRoute('')).toEqual({ page: 'home' });
  });
  it('starts operators on operations, admins on root funds and cadres on their scope union', () => {
    const union = { id: '9' };
    expect(homeFor({ tier: 'OPERATOR', union })).toEqual({ page: 'ops' });
    expect(homeFor({ tier: 'ADMIN', union })).toEqual({ page: 'funds' });
    expect(homeFor({ tier: 'CADRE', union }, '1')).toEqual({ page: 'cockpit', unionId: '1' });
    expect(homeFor({ tier: 'VERIFIED', union })).toEqual({ page: 'cockpit', unionId: '9' });
    expect(homeFor(null)).toEqual({ page: 'signin' });
  });
});
