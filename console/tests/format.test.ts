import { describe, expect, it } from 'vitest';
import { count, decimal, fenFromYuan, isPeriod, lastMonths, monthRange, percent, period, yuan } from '../src/format';

describe('format', () => {
  it('shows fen as yuan with two decimals', () => {
    expect(yuan(123456)).toBe('1,234.56');
    expect(yuan(0)).toBe('0.00');
    expect(yuan(null)).toBe('—');
  });
  it('shows rates as percent and missing figures as a dash', () => {
    expect(percent(0.818)).toBe('81.8%');
    expect(percent(0.3, 0)).toBe('30%');
    expect(percent(null)).toBe('—');
    expect(decimal(4.4499)).toBe('4.45');
    expect(count(2007)).toBe('2,007');
  });
  it('counts months back across a year', () => {
    expect(lastMonths('2026-02', 4)).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(period(new Date(2026, 11, 5))).toBe('2026-12');
  });
  it('gives a month its first and last day', () => {
    expect(monthRange('2024-02')).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(monthRange('2026-12')).toEqual({ from: '2026-12-01', to: '2026-12-31' });
  });
  it('reads typed yuan as whole fen, exactly, or refuses it', () => {
    expect(fenFromYuan('1000000')).toBe(100_000_000);
    expect(fenFromYuan(' 1,234.5 ')).toBe(123_450);
    expect(fenFromYuan('0.07')).toBe(7);
    expect(fenFromYuan('19.99')).toBe(1999); // 19.99 * 100 is 1998.9999999999998 in floats
    for (const bad of ['', '1.234', '-5', '1e3', 'abc', '.5', '1.']) expect(fenFromYuan(bad)).toBeNull();
  });
  it('accepts only YYYY-MM periods', () => {
    expect(isPeriod('2026-11')).toBe(true);
    expect(isPeriod('2026-13')).toBe(false);
    expect(isPeriod('2026-1')).toBe(false);
    expect(isPeriod(null)).toBe(false);
  });
});
