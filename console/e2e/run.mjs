// The console in a real browser (Debian's Chromium through playwright-core) against a seeded
// server: BASE_URL (the server), SCREENSHOTS (a folder for each page's screenshot). Exit 1 on
// the first failed check. Figures on screen are compared with the API's for the same scope.
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { api, signIn } from './api.mjs';

const BASE = process.env.BASE_URL ?? 'http://127.0.0.1:8000';
const SHOTS = process.env.SCREENSHOTS ?? new URL('../test-results/screenshots/', import.meta.url).pathname;
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
mkdirSync(SHOTS, { recursive: true });

const PROVINCE_CADRE = '13900000004';
const COUNTY_CADRE = '13900000003';
const OPERATOR = '13900000005';
const MEMBER = '13900000002';

let current = null; // the page a failure's screenshot shows
let passed = 0;
let failed = 0;
function check(ok, what) {
  if (ok) { passed++; console.log(`ok - ${what}`); }
  else { failed++; console.log(`not ok - ${what}`); }
}
const digits = (s) => String(Number((s ?? '').replace(/[^\d]/g, '')));
const period = () => { const d = new Date(); return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`; };

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

async function page() {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: 'zh-CN' });
  const p = await context.newPage();
  p.setDefaultTimeout(20_000);
  p.on('pageerror', (e) => console.log(`# page error: ${e.message}`));
  current = p;
  return p;
}

async function signInUi(p, phone) {
  await p.goto(`${BASE}/console/`);
  await p.fill('input[name=phone]', phone);
  await p.fill('input[name=password]', 'demo-pass-2026');
  await p.click('[data-testid=submit]');
  await p.waitForSelector('[data-testid=nav]');
}

async function shot(p, name) {
  await p.waitForTimeout(600); // ECharts' entry animation
  await p.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

function unionInUrl(p) {
  return decodeURIComponent(/#\/cockpit\/([^?]+)/.exec(p.url())[1]);
}

async function kpi(p, id) {
  return p.textContent(`[data-testid=kpi-${id}]`);
}

async function provinceCadre() {
  const p = await page();
  await signInUi(p, PROVINCE_CADRE);
  await p.waitForSelector('[data-testid=kpi-registered]');
  await p.waitForSelector('[data-testid=kpi-sales]');
  await p.waitForSelector('[data-testid=ranking-table]');
  const token = await signIn(BASE, PROVINCE_CADRE);
  const me = { union: (await api(BASE, 'ConsoleUnion', { id: unionInUrl(p) }, token)).union };
  check(me.union.level === 'PROVINCE', `the province cadre starts on the province (${me.union.name})`);
  const m = await api(BASE, 'ConsoleMembership', { unionId: me.union.id, period: period() }, token);
  const s = m.unionScorecard;
  check(await p.textContent('[data-testid=union-name]') === me.union.name, `province cadre sees ${me.union.name}`);
  check(digits(await kpi(p, 'registered')) === String(s.registeredMembers), `registered = API ${s.registeredMembers}`);
  check(digits(await kpi(p, 'verified')) === String(s.verifiedMembers), `verified = API ${s.verifiedMembers}`);
  check(digits(await kpi(p, 'requests-received')) === String(s.requestsReceived), `requests received = API ${s.requestsReceived}`);
  check(digits(await kpi(p, 'pending-applications')) === String(m.pendingApplications.length), 'pending applications = API');
  const [y, mo] = period().split('-').map(Number);
  const last = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  const mall = (await api(BASE, 'ConsoleMall', { unionId: me.union.id, from: `${period()}-01`, to: `${period()}-${last}` }, token)).mallReport;
  check(digits(await kpi(p, 'sales')) === String(mall.salesFen), `mall sales = API ${mall.salesFen} fen`);
  check(digits(await kpi(p, 'orders')) === String(mall.orderCount), `mall orders = API ${mall.orderCount}`);
  const ranking = (await api(BASE, 'ConsoleRanking', { unionId: me.union.id, period: period() }, token)).unionRanking;
  const rows = await p.$$eval('[data-testid=ranking-table] tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  check(rows.length === ranking.length && ranking.every((r, i) => rows[i][0] === r.union.name && rows[i][1] === String(r.registeredMembers)),
    `child ranking = API (${ranking.map((r) => r.union.name).join(', ')})`);
  check(await p.isVisible('[data-testid=choropleth]'), 'Shaanxi choropleth drawn');
  const funds = await api(BASE, 'ConsoleFunds', { unionId: me.union.id, year: y }, token);
  check(digits(await kpi(p, 'funds-available')) === String(funds.unionFundsLedger.availableFen), 'funds available = API');
  await shot(p, '1-cockpit-province');
  // Drill down: province → city → county.
  await p.click('[data-testid=drill] >> nth=0');
  await p.waitForFunction((name) => document.querySelector('[data-testid=union-name]')?.textContent !== name, me.union.name);
  check(await p.textContent('[data-testid=union-name]') === ranking[0].union.name, `drill-down to ${ranking[0].union.name}`);
  await p.waitForSelector('[data-testid=ranking-table]');
  await p.click('[data-testid=drill] >> nth=0');
  await p.waitForSelector('[data-testid=region-grid]');
  await shot(p, '2-cockpit-drilldown');
  // English.
  await p.click('[data-testid=lang]');
  await p.waitForSelector('text=Membership');
  check(true, 'English switch');
  await p.click('[data-testid=lang]');
  await p.waitForSelector('text=会员');
  await p.context().close();
  return me.union.id;
}

async function countyCadre(provinceId) {
  const p = await page();
  await signInUi(p, COUNTY_CADRE);
  await p.waitForSelector('[data-testid=kpi-registered]');
  await p.waitForSelector('[data-testid=ranking-table]');
  const token = await signIn(BASE, COUNTY_CADRE);
  const me = { union: (await api(BASE, 'ConsoleUnion', { id: unionInUrl(p) }, token)).union };
  check(me.union.level === 'COUNTY', `the county cadre starts on the county (${me.union.name})`);
  const children = await p.$$eval('[data-testid=ranking-table] [data-testid=drill]', (as) => as.map((a) => a.textContent));
  check(children.length > 0 && children.every((n) => me.union.children.some((c) => c.name === n)),
    `only the county's own unions ranked (${children.join(', ')})`);
  check(await p.textContent('[data-testid=union-name]') === me.union.name, `county cadre sees ${me.union.name}`);
  const s = (await api(BASE, 'ConsoleMembership', { unionId: me.union.id, period: period() }, token)).unionScorecard;
  check(digits(await kpi(p, 'registered')) === String(s.registeredMembers), `county registered = API ${s.registeredMembers}`);
  await shot(p, '3-cockpit-county');
  await p.goto(`${BASE}/console/#/cockpit/${provinceId}`);
  await p.waitForSelector('[data-testid=section-membership] [data-testid=refusal]');
  const trace = await p.textContent('[data-testid=section-membership] [data-testid=trace-id]');
  check(/^[0-9a-f]{32}$/.test(trace ?? ''), `province URL refused with trace id ${trace}`);
  check(!(await p.isVisible('[data-testid=kpi-registered]')), 'no province figure shown');
  await shot(p, '4-county-refused-province');
  await p.context().close();
}

async function operator() {
  const p = await page();
  await signInUi(p, OPERATOR);
  await p.waitForSelector('[data-testid=ops]');
  await p.waitForSelector('[data-testid=readiness] li');
  check((await p.textContent('[data-testid=readiness]')).includes('ok'), 'readiness shown');
  await p.waitForSelector('[data-testid=open-trace]');
  check((await p.$$('[data-testid=slow-operations] tbody tr')).length > 0, 'slow operations listed');
  await p.click('[data-testid=open-trace] >> nth=0');
  await p.waitForSelector('[data-testid=waterfall-chart] canvas');
  check(true, 'waterfall of a trace opened');
  await shot(p, '5-operations-waterfall');
  await p.waitForSelector('[data-testid=exception-row]');
  const before = (await p.$$('[data-testid=exception-row]')).length;
  await p.fill('[data-testid=exception-note] >> nth=0', 'refunded by bank transfer, ticket 42');
  await p.click('[data-testid=handled-offline] >> nth=0');
  await p.waitForFunction((n) => document.querySelectorAll('[data-testid=exception-row]').length < n, before);
  const token = await signIn(BASE, OPERATOR);
  const open = (await api(BASE, 'ConsolePaymentExceptions', {}, token)).paymentExceptions.edges.length;
  check(open === before - 1, `payment exception resolved (API: ${open} open)`);
  await shot(p, '6-operations-resolved');
  // Trace lookup of an unknown id.
  await p.fill('[data-testid=trace-input]', '0'.repeat(32));
  await p.press('[data-testid=trace-input]', 'Enter');
  await p.waitForSelector('[data-testid=trace-not-found]');
  check(true, 'trace lookup');
  await p.context().close();
}

async function member() {
  const p = await page();
  await signInUi(p, MEMBER);
  await p.waitForSelector('[data-testid=refusal]');
  check(!(await p.isVisible('[data-testid=kpi-registered]')), 'member refused: no figures');
  await shot(p, '7-member-refused');
  await p.context().close();
}

async function expiredSession() {
  const p = await page();
  await p.goto(`${BASE}/console/`);
  await p.evaluate(() => sessionStorage.setItem('unionhub.console.session',
    JSON.stringify({ accessToken: 'expired.e30.x', refreshToken: 'no-longer-valid' })));
  await p.reload();
  await p.waitForSelector('[data-testid=signin] [data-testid=notice]');
  check(true, 'expired session returns to sign-in');
  await shot(p, '0-signin-expired');
  await p.context().close();
}

try {
  const provinceId = await provinceCadre();
  await countyCadre(provinceId);
  await operator();
  await member();
  await expiredSession();
} catch (e) {
  failed++;
  console.log(`not ok - ${e.stack ?? e}`);
  if (current) await current.screenshot({ path: `${SHOTS}/failure.png`, fullPage: true }).catch(() => {});
} finally {
  await browser.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
