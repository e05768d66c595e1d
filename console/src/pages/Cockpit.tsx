// The cadre cockpit (数据驾驶舱) of one union: every figure is the API's cockpit(unionId,
// period) for this union, its children and its months; the API refuses a union outside the
// signed-in cadre's scope and the page shows that refusal.
import shaanxi from 'echarts4-geo/map/json/province/shanxi1.json';
import { useMemo, useState } from 'preact/hooks';
import { CockpitQuery, FundsQuery, LeaderboardQuery, MallQuery, RankingQuery } from '../api/operations';
import { Chart, echarts } from '../chart';
import { barOption, choropleth, featureNames, lineOption, mapOption, type RegionFeature } from '../charts';
import { count, decimal, moment, percent, yuan } from '../format';
import type { CockpitMetric, ConsoleCockpitQuery } from '../gql/graphql';
import { label, lang, t } from '../i18n';
import { formatRoute } from '../route';
import { FailureBox, Kpi, Section, useGql } from '../ui';

// Shaanxi's cities from the GeoJSON echarts 4 shipped (feature ids are GB/T 2260 codes).
const SHAANXI = 'shaanxi';
const shaanxiFeatures = (shaanxi as unknown as { features: RegionFeature[] }).features;
echarts.registerMap(SHAANXI, shaanxi as never);
const shaanxiNames = featureNames(shaanxiFeatures);

type Figures = ConsoleCockpitQuery['cockpit'];
type Child = Figures['children'][number];

const link = (unionId: string, period: string) => formatRoute({ page: 'cockpit', unionId, period });

export function Cockpit({ unionId, period }: { unionId: string; period: string }) {
  const q = useGql(CockpitQuery, { unionId, period });
  const c = q.data?.cockpit;
  const u = c?.union;
  return (
    <div class="cockpit" data-testid="cockpit">
      <header class="page-head">
        <div>
          <h1 data-testid="union-name">{u?.name ?? (q.failure ? '—' : '…')}</h1>
          {u && <span class="muted">{label('UnionLevel', u.level)} · {t('regionCode')} {u.regionCode} {u.regionName ?? ''} · {c.from} – {c.to}</span>}
        </div>
        <div class="head-actions">
          {u?.parent && <a href={link(u.parent.id, period)} data-testid="up">{t('back')}: {u.parent.name}</a>}
          <label>{t('period')}
            <input type="month" value={period} data-testid="period"
              onChange={(e) => { if (e.currentTarget.value) location.hash = link(unionId, e.currentTarget.value); }} />
          </label>
        </div>
      </header>
      {q.failure ? <div data-testid="section-cockpit"><FailureBox failure={q.failure} /></div> : !c ? <p class="muted">{t('loading')}</p> : (
        <div class="grid">
          <Membership c={c} />
          <Services c={c} />
          <Ranking unionId={unionId} period={period} />
          <Children c={c} period={period} />
          <Trends c={c} />
          <Activities c={c} />
          <Mall c={c} />
          <Funds c={c} />
        </div>
      )}
    </div>
  );
}

function Membership({ c }: { c: Figures }) {
  const m = c.membership;
  const l = lang();
  return (
    <Section title={t('membership')} id="membership">
      <div class="kpis">
        <Kpi label={t('registered')} value={count(m.registeredMembers, l)} testid="registered" />
        <Kpi label={t('verified')} value={count(m.verifiedMembers, l)} testid="verified" />
        <Kpi label={t('activeCards')} value={count(m.activeCards, l)} testid="active-cards" />
        <Kpi label={t('pendingApplications')} value={count(m.applicationsPending, l)} testid="pending-applications" />
        <Kpi label={t('overdueApplications')} value={count(m.applicationsOverdue, l)} testid="overdue-pending" />
        <Kpi label={t('overdueInPeriod')} value={count(m.applicationsOverdueInPeriod, l)} testid="overdue-in-period" />
        <Kpi label={t('pendingTransfers')} value={count(m.transfersPending, l)} testid="pending-transfers" />
      </div>
      <p class="muted" data-testid="figures-as-of">
        {m.figuresAsOf ? `${t('figuresAsOf')} ${moment(m.figuresAsOf, l)}` : t('figuresNotYet')}
      </p>
    </Section>
  );
}

function Services({ c }: { c: Figures }) {
  const s = c.services;
  const l = lang();
  return (
    <Section title={t('services')} id="services">
      <div class="kpis">
        <Kpi label={t('received')} value={count(s.requestsReceived, l)} testid="requests-received" />
        <Kpi label={t('completed')} value={count(s.requestsCompleted, l)} testid="requests-completed" />
        <Kpi label={t('onTime')} value={count(s.completedOnTime, l)} testid="completed-on-time" />
        <Kpi label={t('onTimeRate')} value={percent(s.onTimeRate)} testid="on-time-rate" />
        <Kpi label={t('overdueNow')} value={count(s.overdueNow, l)} testid="overdue-now" />
        <Kpi label={t('escalated')} value={count(s.escalated, l)} testid="escalated" />
        <Kpi label={t('meanRating')} value={decimal(s.meanRating)} testid="mean-rating" />
        <Kpi label={t('articles')} value={count(s.articlesPublished, l)} testid="articles" />
        <Kpi label={t('reads')} value={count(s.articleReads, l)} testid="reads" />
      </div>
    </Section>
  );
}

export const METRICS: CockpitMetric[] = ['VERIFIED_MEMBERS', 'REQUESTS_RECEIVED', 'REQUESTS_COMPLETED', 'ON_TIME_RATE',
  'MEAN_RATING', 'ARTICLES_PUBLISHED', 'ARTICLE_READS', 'SALES', 'POVERTY_SHARE', 'ENROLMENTS'];

function Ranking({ unionId, period }: { unionId: string; period: string }) {
  const [by, setBy] = useState<CockpitMetric>('VERIFIED_MEMBERS');
  const q = useGql(RankingQuery, { unionId, period, by });
  const rows = q.data?.cockpit.ranking ?? [];
  const option = useMemo(() => barOption(rows.map((r) => r.union.name), [
    { name: t(`metric_${by}`), values: rows.map((r) => r.value ?? null) },
  ]), [rows, by]);
  return (
    <Section title={t('ranking')} id="ranking" failure={q.failure}>
      <label>{t('rankBy')}{' '}
        <select value={by} data-testid="rank-by" onChange={(e) => setBy(e.currentTarget.value as CockpitMetric)}>
          {METRICS.map((m) => <option value={m} key={m}>{t(`metric_${m}`)}</option>)}
        </select>
      </label>
      {!q.data ? <p class="muted">{t('loading')}</p> : rows.length ? (
        <>
          <Chart option={option} height={220} testid="ranking-chart" />
          <table data-testid="ranking-table"><tbody>{rows.map((r) => (
            <tr key={r.union.id}><td>{r.rank}</td><td>{r.union.name}</td><td>{r.value ?? '—'}</td></tr>))}</tbody></table>
        </>
      ) : <p class="muted">{t('none')}</p>}
    </Section>
  );
}

function Children({ c, period }: { c: Figures; period: string }) {
  const l = lang();
  const rows = c.children;
  // The province's map draws its cities; any other level (or a code the map lacks) is a grid.
  const onMap = c.regionCode === '610000';
  const geo = useMemo(() => choropleth(rows, onMap ? shaanxiNames : new Map(), (r: Child) => r.membership.registeredMembers), [rows, onMap]);
  return (
    <>
      <Section title={t('drill')} id="children">
        {rows.length === 0 ? <p class="muted">{t('none')}</p> : (
          <table data-testid="children-table">
            <thead><tr><th>{t('union')}</th><th>{t('registered')}</th><th>{t('verified')}</th><th>{t('received')}</th><th>{t('onTimeRate')}</th><th>{t('reads')}</th><th>{t('sales')}</th><th>{t('enrolled')}</th></tr></thead>
            <tbody>{rows.map((r) => (
              <tr key={r.union.id}>
                <td><a href={link(r.union.id, period)} data-testid="drill">{r.union.name}</a></td>
                <td>{count(r.membership.registeredMembers, l)}</td><td>{count(r.membership.verifiedMembers, l)}</td>
                <td>{count(r.services.requestsReceived, l)}</td><td>{percent(r.services.onTimeRate)}</td>
                <td>{count(r.services.articleReads, l)}</td><td>{yuan(r.mall.salesFen, l)}</td><td>{count(r.activities.enrolments, l)}</td>
              </tr>))}</tbody>
          </table>
        )}
      </Section>
      <Section title={t('map')} id="map">
        {geo.data.length > 0 && (
          <>
            <p class="muted">{t('choroplethNote')}</p>
            <Chart option={mapOption(SHAANXI, geo.data)} height={420} testid="choropleth" />
          </>
        )}
        {geo.unmapped.length > 0 && (
          <div class="region-grid" data-testid="region-grid">
            {geo.unmapped.map((r) => (
              <a class="region" href={link(r.union.id, period)} key={r.union.id}>
                <code>{r.union.regionCode}</code><span>{r.union.name}</span><strong>{count(r.membership.registeredMembers, l)}</strong>
              </a>))}
          </div>
        )}
        {rows.length === 0 && <p class="muted">{t('none')}</p>}
      </Section>
    </>
  );
}

function Trends({ c }: { c: Figures }) {
  const months = c.trend.map((p) => p.period);
  const members = useMemo(() => lineOption(months, [
    { name: t('registered'), values: c.trend.map((p) => p.membership.registeredMembers) },
    { name: t('verified'), values: c.trend.map((p) => p.membership.verifiedMembers) },
  ]), [c]);
  const activity = useMemo(() => lineOption(months, [
    { name: t('received'), values: c.trend.map((p) => p.services.requestsReceived) },
    { name: t('reads'), values: c.trend.map((p) => p.services.articleReads) },
    { name: t('orders'), values: c.trend.map((p) => p.mall.orderCount) },
    { name: t('enrolled'), values: c.trend.map((p) => p.activities.enrolments) },
  ]), [c]);
  return (
    <Section title={t('trends')} id="trends">
      <Chart option={members} height={220} testid="trend-chart" />
      <Chart option={activity} height={220} testid="trend-activity-chart" />
    </Section>
  );
}

function Activities({ c }: { c: Figures }) {
  const a = c.activities;
  const first = c.topActivities[0];
  const board = useGql(LeaderboardQuery, { activityId: first?.activityId ?? '' }, { pause: !first });
  return (
    <Section title={t('activities')} id="activities">
      <div class="kpis"><Kpi label={t('enrolled')} value={count(a.enrolments, lang())} testid="enrolments" /></div>
      <table data-testid="activities-by-kind"><tbody>{a.byKind.map((k) => (
        <tr key={k.kind}><td>{label('ActivityKind', k.kind)}</td><td>{k.activities}</td><td>{t('enrolled')} {k.enrolments}</td><td>{t('participants')} {k.participants}</td></tr>))}</tbody></table>
      {c.topActivities.length > 0 && (
        <table><tbody>{c.topActivities.map((x) => (
          <tr key={x.activityId}><td>{x.name}</td><td>{label('ActivityKind', x.kind)}</td><td>{x.enrolledCount}</td></tr>))}</tbody></table>
      )}
      {first && (
        <>
          <h3>{t('leaderboard')}: {first.name}</h3>
          {board.failure ? <FailureBox failure={board.failure} /> : (
            <ol data-testid="leaderboard">{board.data?.leaderboard.map((e) => <li key={e.rank}>{e.union?.name ?? "—"} · {decimal(e.score)}</li>)}</ol>
          )}
        </>
      )}
    </Section>
  );
}

function Mall({ c }: { c: Figures }) {
  const m = c.mall;
  const q = useGql(MallQuery, { unionId: c.union.id, from: c.from, to: c.to });
  const r = q.data?.mallReport;
  const l = lang();
  const byRegion = r ? r.salesByRegionConnection.edges.map((e) => e.node) : [];
  const byUnionRows = r ? r.salesByUnionConnection.edges.map((e) => e.node) : [];
  const byUnion = useMemo(() => r ? barOption(byUnionRows.map((s) => s.union.name), [
    { name: t('povertyShare'), values: byUnionRows.map((s) => s.povertyShare) },
  ], { name: t('povertyLine'), value: m.povertyShareLine }) : {}, [r]);
  return (
    <Section title={t('mall')} id="mall">
      <div class="kpis">
        <Kpi label={t('sales')} value={yuan(m.salesFen, l)} testid="sales" />
        <Kpi label={t('orders')} value={count(m.orderCount, l)} testid="orders" />
        <Kpi label={t('povertyShare')} value={percent(m.povertyShare)} testid="poverty-share" />
        <Kpi label={t('povertyLine')} value={percent(m.povertyShareLine, 0)} testid="poverty-line" />
        <Kpi label={t('voucherUsed')} value={yuan(m.voucherUsedFen, l)} testid="voucher-used" />
        <Kpi label={t('leverage')} value={decimal(m.leverage)} testid="leverage" />
        {r && <Kpi label={t('voucherBudget')} value={yuan(r.voucherBudgetFen, l)} testid="voucher-budget" />}
        {r && <Kpi label={t('voucherIssued')} value={yuan(r.voucherIssuedFen, l)} testid="voucher-issued" />}
      </div>
      {q.failure && <FailureBox failure={q.failure} />}
      {r && (
        <>
          <h3>{t('salesByRegion')}</h3>
          <table data-testid="sales-by-region"><tbody>{byRegion.map((x) => (
            <tr key={x.regionCode}><td><code>{x.regionCode}</code> {x.regionName}</td><td>{yuan(x.salesFen, l)}</td><td>{x.orderCount}</td></tr>))}</tbody></table>
          <h3>{t('salesByUnion')}</h3>
          {byUnionRows.length > 0 && <Chart option={byUnion} height={220} testid="poverty-chart" />}
          <table data-testid="sales-by-union"><tbody>{byUnionRows.map((x) => (
            <tr key={x.union.id}><td>{x.union.name}</td><td>{yuan(x.salesFen, l)}</td><td>{percent(x.povertyShare)}</td><td>{x.meetsPovertyLine ? '✓' : '✗'}</td></tr>))}</tbody></table>
        </>
      )}
    </Section>
  );
}

function Funds({ c }: { c: Figures }) {
  const f = c.funds;
  const q = useGql(FundsQuery, { unionId: c.union.id, year: f.year });
  const l = lang();
  return (
    <Section title={`${t('funds')} ${f.year}`} id="funds">
      <div class="kpis">
        <Kpi label={t('allocated')} value={yuan(f.allocatedFen, l)} testid="funds-allocated" />
        <Kpi label={t('spent')} value={yuan(f.spentFen, l)} testid="funds-spent" />
        <Kpi label={t('toChildren')} value={yuan(f.toChildrenFen, l)} testid="funds-to-children" />
        <Kpi label={t('available')} value={yuan(f.availableFen, l)} testid="funds-available" />
      </div>
      {q.failure && <FailureBox failure={q.failure} />}
      <table><tbody>{q.data?.unionFundsLedger.entries.edges.map(({ node }) => (
        <tr key={node.id}><td>{node.at.slice(0, 10)}</td><td>{label('UnionFundsEntryKind', node.kind)}</td><td>{node.counterpartUnion?.name ?? ''}</td><td>{yuan(node.amountFen, l)}</td></tr>))}</tbody></table>
    </Section>
  );
}
