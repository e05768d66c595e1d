// Figures as the API gives them, formatted only: fen to yuan, rates to percent, periods.
import type { Lang } from './i18n';

export function yuan(fen: number | null | undefined, language: Lang = 'zh-CN'): string {
  if (fen == null) return '—';
  return (fen / 100).toLocaleString(language, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

export function count(n: number | null | undefined, language: Lang = 'zh-CN'): string {
  return n == null ? '—' : n.toLocaleString(language);
}

export function percent(rate: number | null | undefined, digits = 1): string {
  return rate == null ? '—' : `${(rate * 100).toFixed(digits)}%`;
}

export function decimal(x: number | null | undefined, digits = 2): string {
  return x == null ? '—' : x.toFixed(digits);
}

/** A moment the API gives (ISO 8601, UTC) as local date and time to the minute. */
export function moment(iso: string, language: Lang = 'zh-CN'): string {
  return new Date(iso).toLocaleString(language, { dateStyle: 'short', timeStyle: 'short' });
}

/** "YYYY-MM" of a date (the scorecard's period). */
export function period(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

/** The n months ending with `last` ("YYYY-MM"), oldest first. */
export function lastMonths(last: string, n: number): string[] {
  const [y, m] = last.split('-').map(Number);
  const out: string[] = [];
  for (let i = n - 1; i >= 0; i--) {
    const d = new Date(Date.UTC(y, m - 1 - i, 1));
    out.push(`${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`);
  }
  return out;
}

/** The first and last day ("YYYY-MM-DD") of a period, for mallReport's from/to. */
export function monthRange(p: string): { from: string; to: string } {
  const [y, m] = p.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${p}-01`, to: `${p}-${String(last).padStart(2, '0')}` };
}

export function isPeriod(p: string | undefined | null): p is string {
  return !!p && /^\d{4}-(0[1-9]|1[0-2])$/.test(p);
}

/** Yuan typed by a person ("1234.5", "1,000,000.00") as whole fen, read as text so that no
 * binary fraction rounds a fen away; null unless it is a plain amount with at most two decimals. */
export function fenFromYuan(text: string): number | null {
  const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(text.trim().replace(/[,，\s]/g, ''));
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}
