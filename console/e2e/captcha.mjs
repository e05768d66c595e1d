// Tencent's captcha at sign-in (the server configured with UNIONHUB_CAPTCHA_PROVIDER=tencent):
// its script, TJCaptcha.js from turing.captcha.qcloud.com, is served here by a stand-in that
// hands over the ticket the test's Tencent API stand-in will pass (CAPTCHA_TICKET,
// CAPTCHA_RANDSTR) and, like any third-party script could, keeps running: every 100 ms it
// reports whether the page it runs in shows the signed-in console. Once signed in, it must
// report nothing more: the console never runs beside it.
import { execFileSync } from 'node:child_process';

const HOST = 'https://turing.captcha.qcloud.com';

function standIn(ticket, randstr) {
  return `
window.TencentCaptcha = function (appId, callback) {
  this.show = function () {
    setTimeout(function () { callback({ ret: 0, ticket: ${JSON.stringify(ticket)}, randstr: ${JSON.stringify(randstr)}, appid: appId }); }, 50);
  };
};
setInterval(function () {
  var view = document.querySelector('[data-testid=nav]') ? 'signed-in' : 'sign-in';
  fetch('${HOST}/beacon?view=' + view, { mode: 'no-cors' }).catch(function () {});
}, 100);`;
}

export async function tencentCaptcha({ page, check, base, shot, phone }) {
  const p = await page();
  const views = [];
  await p.route(`${HOST}/**`, (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/TJCaptcha.js') {
      return route.fulfill({ contentType: 'application/javascript',
        body: standIn(process.env.CAPTCHA_TICKET, process.env.CAPTCHA_RANDSTR) });
    }
    views.push(url.searchParams.get('view'));
    return route.fulfill({ status: 204 });
  });
  const config = await (await fetch(`${base}/console/config.json`)).json();
  check(config.captcha.provider === 'tencent' && config.captcha.script === `${HOST}/TJCaptcha.js`,
    "the server names Tencent's captcha");
  await p.goto(`${base}/console/`);
  await p.click('[data-testid=mode-sms]');
  await p.fill('input[name=phone]', phone);
  await p.click('[data-testid=send-code]');
  await p.waitForSelector('[data-testid=code-sent]');
  await p.waitForFunction(() => typeof globalThis.TencentCaptcha === 'function');
  await p.waitForTimeout(300);
  check(views.includes('sign-in'), "Tencent's script ran at sign-in, and its ticket got the code");
  const code = execFileSync(process.env.UNIONHUB_CLI ?? 'unionhub', ['sandbox', 'sms', phone], { encoding: 'utf8' }).trim();
  await p.fill('input[name=smsCode]', code);
  await p.click('[data-testid=submit]');
  await p.waitForSelector('[data-testid=nav]');
  await p.waitForSelector('[data-testid=kpi-registered]');
  await p.waitForTimeout(1000); // a script still running would have reported ten times
  check(!views.includes('signed-in'), `the captcha script does not run in the signed-in console (${views.filter((v) => v === 'signed-in').length} reports from it)`);
  check(await p.evaluate(() => typeof globalThis.TencentCaptcha === 'undefined'
    && !document.querySelector('script[src*="captcha.qcloud.com"]')), 'its script and its global are gone');
  await shot(p, '11-signed-in-after-tencent-captcha');
  await p.context().close();
}
