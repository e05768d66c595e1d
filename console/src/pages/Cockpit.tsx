// The cadre cockpit (数据驾驶舱) of one union: every figure is the API's for this union and
// period; the API refuses a union outside the signed-in cadre's scope and the page shows that.
import shaanxi from 'echarts4-geo/map/json/province/shanxi1.json';
import { useMemo } from 'preact/hooks';
import {
  ActivitiesQuery, FundsQuery, LeaderboardQuery, MallQuery, MembershipQuery, RankingQuery, TrendQuery, UnionQuery,
} from '../api/operations';
import { Chart, echarts } from '../chart';
import { barOption, choropleth, featureNames, lineOption, mapOption, type RegionFeature } from '../charts';
import { count, decimal, lastMonths, monthRange, percent, yuan } from '../format';
import { lang, t } from '../i18n';
import { formatRoute } from '../route';
import { FailureBox, Kpi, Section, useGql } from '../ui';

// Shaanxi's cities from the GeoJSON echarts 4 shipped (feature ids are GB/T 2260 codes).
const SHAANXI = 'shaanxi';
const shaanxiFeatures = (shaanxi as unknown as { features: RegionFeature[] }).features;
echarts.registerMap(SHAANXI, shaanxi as never);
const shaanxiNames = featureNames(shaanxiFeatures);

const link = (unionId: string, period: string) => formatRoute({ page: 'cockpit', unionId, period });

export function Cockpit({ unionId, period }: { unionId: string; period: string }) {
  const union = useGql(UnionQuery, { id: unionId });
  const u = union.data?.union;
  return (
    <div class="cockpit" data-testid="cockpit">
      <header class="page-head">
        <div>
          <h1 data-testid="union-name">{u?.name ?? '…'}</h1>
          {u && <span class="muted">{u.level} · {t('regionCode')} {u.regionCode} {u.regionName ?? ''}</span>}
        </div>
        <div class="head-actions">
          {u?.parent && <a href={link(u.parent.id, period)} data-testid="up">{t('back')}: {u.parent.name}</a>}
          <label>{t('period')}
            <input type="month" value={period} data-testid="period"
              onChange={(e) => { if (e.currentTarget.value) location.hash = link(unionId, e.currentTarget.value); }} />
          </label>
        </div>
      </header>
      {union.failure && <FailureBox failure={union.failure} />}
      <div class="grid">
        <Membership unionId={unionId} period={period} />
        <Ranking unionId={unionId} period={period} regionCode={u?.regionCode} />
        <Trends unionId={unionId} period={period} />
        <Mall unionId={unionId} period={period} />
        <Funds unionId={unionId} period={period} />
        <Activities unionId={unionId} />
      </div>
    </div>
  );
}

function Membership({ unionId, period }: { unionId: string; period: string }) {
  const q = useGql(MembershipQuery, { unionId, period });
  const d = q.data;
  const s = d?.unionScorecard;
  const l = lang();
  return (
    <>
      <Section title={t('membership')} id="membership" failure={q.failure} loading={!d}>
        {s && d && (
          <div class="kpis">
            <Kpi label={t('registered')} value={count(s.registeredMembers, l)} testid="registered" />
            <Kpi label={t('verified')} value={count(s.verifiedMembers, l)} testid="verified" />
            <Kpi label={t('pendingApplications')} value={count(d.pendingApplications.length, l)} testid="pending-applications" />
            <Kpi label={t('overdueApplications')} value={count(d.overduePending.length, l)} testid="overdue-pending" />
            <Kpi label={t('pendingTransfers')} value={count(d.transfersIn.length, l)} testid="pending-transfers" />
          </div>
        )}
      </Section>
      <Section title={t('services')} id="services" failure={q.failure} loading={!d}>
        {s && (
          <div class="kpis">
            <Kpi label={t('received')} value={count(s.requestsReceived, l)} testid="requests-received" />
            <Kpi label={t('completed')} value={count(s.requestsCompleted, l)} testid="requests-completed" />
            <Kpi label={t('onTime')} value={count(s.completedOnTime, l)} testid="completed-on-time" />
            <Kpi label={t('onTimeRate')} value={percent(s.onTimeRate)} testid="on-time-rate" />
            <Kpi label={t('meanRating')} value={decimal(s.meanRating)} testid="mean-rating" />
            <Kpi label={t('articles')} value={count(s.articlesPublished, l)} testid="articles" />
            <Kpi label={t('reads')} value={count(s.articleReads, l)} testid="reads" />
          </div>
        )}
      </Section>
    </>
  );
}

function Ranking({ unionId, period, regionCode }: { unionId: string; period: string; regionCode?: string }) {
  const q = useGql(RankingQuery, { unionId, period });
  const rows = q.data?.unionRanking ?? [];
  const option = useMemo(() => barOption(rows.map((r) => r.union.name), [
    { name: t('registered'), values: rows.map((r) => r.registeredMembers) },
    { name: t('verified'), values: rows.map((r) => r.verifiedMembers) },
    { name: t('received'), values: rows.map((r) => r.requestsReceived) },
  ]), [rows]);
  // The province's map draws its cities; any other level (or a code the map lacks) is a grid.
  const onMap = regionCode === '610000';
  const geo = useMemo(() => choropleth(rows, onMap ? shaanxiNames : new Map(), (r) => r.registeredMembers), [rows, onMap]);
  return (
    <>
      <Section title={t('ranking')} id="ranking" failure={q.failure} loading={!q.data}>
        {rows.length ? (
          <>
            <Chart option={option} testid="ranking-chart" />
            <table data-testid="ranking-table">
              <thead><tr><th>{t('union')}</th><th>{t('registered')}</th><th>{t('verified')}</th><th>{t('received')}</th><th>{t('onTimeRate')}</th><th>{t('meanRating')}</th><th>{t('articles')}</th><th>{t('reads')}</th><th>{t('overdueApplications')}</th></tr></thead>
              <tbody>{rows.map((r) => (
                <tr key={r.union.id}>
                  <td><a href={link(r.union.id, period)} data-testid="drill">{r.union.name}</a></td>
                  <td>{r.registeredMembers}</td><td>{r.verifiedMembers}</td><td>{r.requestsReceived}</td>
                  <td>{percent(r.onTimeRate)}</td><td>{decimal(r.meanRating)}</td><td>{r.articlesPublished}</td>
                  <td>{r.articleReads}</td><td>{r.overdueApplications}</td>
                </tr>))}</tbody>
            </table>
          </>
        ) : <p class="muted">{t('none')}</p>}
      </Section>
      <Section title={t('map')} id="map" failure={q.failure} loading={!q.data}>
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
                <code>{r.union.regionCode}</code><span>{r.union.name}</span><strong>{r.registeredMembers}</strong>
              </a>))}
          </div>
        )}
        {rows.length === 0 && <p class="muted">{t('none')}</p>}
      </Section>
    </>
  );
}

function Trends({ unionId, period }: { unionId: string; period: string }) {
  const months = lastMonths(period, 6);
  const q = useGql(TrendQuery, {
    id: unionId, p0: months[0], p1: months[1], p2: months[2], p3: months[3], p4: months[4], p5: months[5],
  });
  const u = q.data?.union;
  const points = u ? [u.m0, u.m1, u.m2, u.m3, u.m4, u.m5] : [];
  const option = useMemo(() => lineOption(months, [
    { name: t('registered'), values: points.map((p) => p?.registeredMembers ?? null) },
    { name: t('verified'), values: points.map((p) => p?.verifiedMembers ?? null) },
    { name: t('received'), values: points.map((p) => p?.requestsReceived ?? null) },
    { name: t('reads'), values: points.map((p) => p?.articleReads ?? null) },
  ]), [q.data]);
  return (
    <Section title={t('trends')} id="trends" failure={q.failure} loading={!q.data}>
      <Chart option={option} testid="trend-chart" />
    </Section>
  );
}

function Mall({ unionId, period }: { unionId: string; period: string }) {
  const q = useGql(MallQuery, { unionId, ...monthRange(period) });
  const m = q.data?.mallReport;
  const l = lang();
  const byUnion = useMemo(() => m ? barOption(m.salesByUnion.map((s) => s.union.name), [
    { name: t('povertyShare'), values: m.salesByUnion.map((s) => s.povertyShare) },
  ], { name: t('povertyLine'), value: m.povertyShareLine }) : {}, [m]);
  return (
    <Section title={t('mall')} id="mall" failure={q.failure} loading={!q.data}>
      {m && (
        <>
          <div class="kpis">
            <Kpi label={t('sales')} value={yuan(m.salesFen, l)} testid="sales" />
            <Kpi label={t('orders')} value={count(m.orderCount, l)} testid="orders" />
            <Kpi label={t('voucherBudget')} value={yuan(m.voucherBudgetFen, l)} testid="voucher-budget" />
            <Kpi label={t('voucherIssued')} value={yuan(m.voucherIssuedFen, l)} testid="voucher-issued" />
            <Kpi label={t('voucherUsed')} value={yuan(m.voucherUsedFen, l)} testid="voucher-used" />
            <Kpi label={t('leverage')} value={decimal(m.leverage)} testid="leverage" />
            <Kpi label={t('povertyLine')} value={percent(m.povertyShareLine, 0)} testid="poverty-line" />
          </div>
          <h3>{t('salesByRegion')}</h3>
          <table data-testid="sales-by-region"><tbody>{m.salesByRegion.map((r) => (
            <tr key={r.regionCode}><td><code>{r.regionCode}</code> {r.regionName}</td><td>{yuan(r.salesFen, l)}</td><td>{r.orderCount}</td></tr>))}</tbody></table>
          <h3>{t('salesByUnion')}</h3>
          {m.salesByUnion.length > 0 && <Chart option={byUnion} height={220} testid="poverty-chart" />}
          <table data-testid="sales-by-union"><tbody>{m.salesByUnion.map((r) => (
            <tr key={r.union.id}><td>{r.union.name}</td><td>{yuan(r.salesFen, l)}</td><td>{percent(r.povertyShare)}</td><td>{r.meetsPovertyLine ? '✓' : '✗'}</td></tr>))}</tbody></table>
        </>
      )}
    </Section>
  );
}

function Funds({ unionId, period }: { unionId: string; period: string }) {
  const q = useGql(FundsQuery, { unionId, year: Number(period.slice(0, 4)) });
  const f = q.data?.unionFundsLedger;
  const l = lang();
  return (
    <Section title={`${t('funds')} ${f?.year ?? ''}`} id="funds" failure={q.failure} loading={!q.data}>
      {f && (
        <>
          <div class="kpis">
            <Kpi label={t('allocated')} value={yuan(f.allocatedFen, l)} testid="funds-allocated" />
            <Kpi label={t('spent')} value={yuan(f.spentFen, l)} testid="funds-spent" />
            <Kpi label={t('available')} value={yuan(f.availableFen, l)} testid="funds-available" />
          </div>
          <table><tbody>{f.entries.edges.map(({ node }) => (
            <tr key={node.id}><td>{node.at.slice(0, 10)}</td><td>{node.kind}</td><td>{yuan(node.amountFen, l)}</td></tr>))}</tbody></table>
        </>
      )}
    </Section>
  );
}

function Activities({ unionId }: { unionId: string }) {
  const q = useGql(ActivitiesQuery, { unionId });
  const list = q.data?.activities.edges.map((e) => e.node) ?? [];
  const first = list[0];
  const board = useGql(LeaderboardQuery, { activityId: first?.id ?? '' }, { pause: !first });
  return (
    <Section title={t('activities')} id="activities" failure={q.failure} loading={!q.data}>
      <table data-testid="activities-table"><tbody>{list.map((a) => (
        <tr key={a.id}><td>{a.name}</td><td>{a.kind}</td><td>{a.status}</td><td>{t('enrolled')} {a.enrolledCount}{a.capacity ? ` / ${a.capacity}` : ''}</td></tr>))}</tbody></table>
      {first && (
        <>
          <h3>{t('leaderboard')}: {first.name}</h3>
          {board.failure ? <FailureBox failure={board.failure} /> : (
            <ol>{board.data?.leaderboard.map((e) => <li key={e.rank}>{e.union?.name ?? '—'} · {e.score}</li>)}</ol>
          )}
        </>
      )}
    </Section>
  );
}
