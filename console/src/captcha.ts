// The human check in front of SMS codes: once a phone has had a few codes today the API answers
// CAPTCHA_REQUIRED and wants `captcha: {ticket, randstr}`. The server says which check to show
// (/console/config.json): Tencent Cloud Captcha's widget, whose script is loaded from Tencent
// as its documentation requires, or the sandbox's test ticket outside production.

export interface CaptchaProof {
  ticket: string;
  randstr: string;
}

export type CaptchaConfig =
  | { provider: 'sandbox' }
  | { provider: 'tencent'; appId: string; script: string };

/** The sandbox's public test ticket (unionhub/identity/captcha: SANDBOX_TICKET). */
export const SANDBOX_PROOF: CaptchaProof = { ticket: 'sandbox-pass', randstr: 'sandbox' };

/** Codes that mean "show the check, then ask again". */
export function needsCaptcha(code: string | null | undefined): boolean {
  return code === 'CAPTCHA_REQUIRED' || code === 'CAPTCHA_INVALID';
}

/** The config's captcha, or the sandbox when the answer is not one we know. */
export function parseConfig(body: unknown): CaptchaConfig {
  const c = (body as { captcha?: Record<string, unknown> } | null)?.captcha;
  if (c?.provider === 'tencent' && typeof c.appId === 'string' && typeof c.script === 'string'
    && c.script.startsWith('https://')) {
    return { provider: 'tencent', appId: c.appId, script: c.script };
  }
  return { provider: 'sandbox' };
}

let config: Promise<CaptchaConfig> | null = null;

export function captchaConfig(base = ''): Promise<CaptchaConfig> {
  config ??= fetch(`${base}/console/config.json`, { headers: { accept: 'application/json' } })
    .then((r) => (r.ok ? r.json() : null))
    .then(parseConfig)
    .catch(() => { config = null; return { provider: 'sandbox' } as CaptchaConfig; });
  return config;
}

/** What TencentCaptcha's callback hands back (ret 0: solved; 2: closed by the person). */
export interface TencentResult {
  ret: number;
  ticket?: string | null;
  randstr?: string | null;
}

/** A solved widget's proof; null when the person closed it. A ticket Tencent issues when its
 * own service fails ("terror_…") is passed on too: the server's check decides. */
export function proofOf(res: TencentResult): CaptchaProof | null {
  if (res.ret !== 0 || !res.ticket || !res.randstr) return null;
  return { ticket: res.ticket, randstr: res.randstr };
}

type TencentCaptchaCtor = new (appId: string, callback: (res: TencentResult) => void,
  options: Record<string, unknown>) => { show(): void };

let script: Promise<void> | null = null;
let outside = false;

/** Whether this page has run (or begun to load) Tencent's script. Removing its tag would not
 * stop what it started (timers, listeners, frames), so the sign-in leaves such a page: the
 * signed-in console starts in a fresh one that never ran third-party code. */
export function outsideScriptLoaded(): boolean {
  return outside;
}

function loadScript(src: string): Promise<void> {
  script ??= new Promise<void>((resolve, reject) => {
    outside = true;
    const tag = document.createElement('script');
    tag.src = src;
    tag.async = true;
    tag.onload = () => resolve();
    tag.onerror = () => { script = null; tag.remove(); reject(new Error('captcha script failed to load')); };
    document.head.appendChild(tag);
  });
  return script;
}

/** Shows Tencent's widget; resolves with its proof, or null when the person closes it. */
export async function solveTencent(cfg: { appId: string; script: string }, lang: string): Promise<CaptchaProof | null> {
  await loadScript(cfg.script);
  const Ctor = (globalThis as { TencentCaptcha?: TencentCaptchaCtor }).TencentCaptcha;
  if (!Ctor) throw new Error('captcha script did not define TencentCaptcha');
  return new Promise((resolve) => {
    new Ctor(cfg.appId, (res) => resolve(proofOf(res)), { userLanguage: lang === 'en' ? 'en' : 'zh-cn' }).show();
  });
}
