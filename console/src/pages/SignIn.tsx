// Phone + password, or phone + SMS code. Refusals are the API's (INVALID_CREDENTIALS,
// RATE_LIMITED ...), shown with their trace id. Past a few codes a day for a phone the API
// wants a solved captcha (CAPTCHA_REQUIRED): the check the server names is shown, then the
// code is asked for again with its proof.
import { useMutation } from '@urql/preact';
import { useState } from 'preact/hooks';
import { LoginBySmsMutation, LoginMutation, RequestSmsCodeMutation } from '../api/operations';
import {
  captchaConfig, needsCaptcha, outsideScriptLoaded, SANDBOX_PROOF, solveTencent, type CaptchaConfig,
  type CaptchaProof,
} from '../captcha';
import { describeFailure, payloadFailure, type Failure } from '../errors';
import { lang, t } from '../i18n';
import { saveTokens, storeTokens } from '../session';
import { FailureBox, useOnce } from '../ui';

export function SignIn(props: { notice?: string | null }) {
  const [mode, setMode] = useState<'password' | 'sms'>('password');
  const [phone, setPhone] = useState('');
  const [secret, setSecret] = useState('');
  const [failure, setFailure] = useState<Failure | null>(null);
  const [captcha, setCaptcha] = useState<CaptchaConfig | null>(null);
  const [sent, setSent] = useState(false);
  const [, login] = useMutation(LoginMutation);
  const [, loginBySms] = useMutation(LoginBySmsMutation);
  const [, requestCode] = useMutation(RequestSmsCodeMutation);
  // One request at a time: a double click must not spend two of a phone's few codes a day (or
  // sign in twice, leaving a session nobody holds); the captcha's retry calls sendCode itself.
  const [busy, once] = useOnce();

  async function submit(e: Event) {
    e.preventDefault();
    setFailure(null);
    const r = mode === 'password'
      ? await login({ input: { phone, password: secret } })
      : await loginBySms({ input: { phone, smsCode: secret } });
    const payload = r.data ? ('login' in r.data ? r.data.login : r.data.loginBySms) : null;
    const failed = describeFailure(r.error, r.extensions, t('unanswered'))
      ?? payloadFailure(payload?.errors, r.extensions);
    if (failed) return setFailure(failed);
    if (!payload?.accessToken || !payload.refreshToken) return;
    const tokens = { accessToken: payload.accessToken, refreshToken: payload.refreshToken };
    if (!outsideScriptLoaded()) return saveTokens(tokens);
    // Tencent's captcha script ran in this page: the console is not shown in it. A fresh page
    // (the same tab: the tokens are in its sessionStorage) starts signed in without it; the
    // buttons stay disabled until it has replaced this one.
    storeTokens(tokens);
    location.reload();
    await new Promise(() => undefined);
  }

  async function sendCode(proof?: CaptchaProof) {
    setFailure(null);
    setSent(false);
    const r = await requestCode({ input: { phone, purpose: 'LOGIN', ...(proof ? { captcha: proof } : {}) } });
    const errors = r.data?.requestSmsCode.errors;
    const failed = describeFailure(r.error, r.extensions, t('unanswered')) ?? payloadFailure(errors, r.extensions);
    if (failed && needsCaptcha(failed.code)) {
      const cfg = await captchaConfig();
      setCaptcha(cfg);
      if (proof) setFailure(failed); // the check did not pass: say so, offer it again
      if (cfg.provider === 'tencent' && !proof) await solve(cfg);
      return;
    }
    setFailure(failed);
    if (!failed) {
      setCaptcha(null);
      setSent(true);
    }
  }

  async function solve(cfg: CaptchaConfig) {
    if (cfg.provider === 'sandbox') return sendCode(SANDBOX_PROOF);
    try {
      const proof = await solveTencent(cfg, lang());
      if (proof) await sendCode(proof);
    } catch {
      // Tencent's script did not load or did not start: in words, to try again.
      setFailure({ message: t('captchaUnavailable'), code: null, traceId: null, kind: 'failed' });
    }
  }

  return (
    <form class="signin card" onSubmit={(e) => { e.preventDefault(); void once(() => submit(e)); }} data-testid="signin">
      <h1>{t('title')}</h1>
      {props.notice && <p class="notice" data-testid="notice">{props.notice}</p>}
      <div class="tabs">
        <button type="button" class={mode === 'password' ? 'active' : ''} onClick={() => setMode('password')}>{t('byPassword')}</button>
        <button type="button" class={mode === 'sms' ? 'active' : ''} onClick={() => setMode('sms')} data-testid="mode-sms">{t('bySms')}</button>
      </div>
      <label>{t('phone')}<input name="phone" autocomplete="username" value={phone} onInput={(e) => setPhone(e.currentTarget.value)} /></label>
      {mode === 'password' ? (
        <label>{t('password')}<input name="password" type="password" autocomplete="current-password" value={secret} onInput={(e) => setSecret(e.currentTarget.value)} /></label>
      ) : (
        <label>{t('smsCode')}
          <span class="row"><input name="smsCode" inputmode="numeric" value={secret} onInput={(e) => setSecret(e.currentTarget.value)} />
            <button type="button" onClick={() => once(() => sendCode())} disabled={busy} data-testid="send-code">{t('sendCode')}</button></span>
        </label>
      )}
      {mode === 'sms' && captcha && (
        <div class="notice captcha" data-testid="captcha-step">
          <span>{t('captchaNeeded')}</span>
          <button type="button" onClick={() => once(() => solve(captcha))} disabled={busy}
            data-testid={captcha.provider === 'sandbox' ? 'sandbox-captcha' : 'solve-captcha'}>
            {captcha.provider === 'sandbox' ? t('sandboxCaptcha') : t('solveCaptcha')}
          </button>
        </div>
      )}
      {mode === 'sms' && sent && <p class="notice" data-testid="code-sent">{t('codeSent')}</p>}
      <button type="submit" class="primary" disabled={busy} data-testid="submit">{t('signIn')}</button>
      {failure && <FailureBox failure={failure} />}
    </form>
  );
}
