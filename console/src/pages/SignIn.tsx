// Phone + password, or phone + SMS code. Refusals are the API's (INVALID_CREDENTIALS,
// RATE_LIMITED ...), shown with their trace id.
import { useMutation } from '@urql/preact';
import { useState } from 'preact/hooks';
import { LoginBySmsMutation, LoginMutation, RequestSmsCodeMutation } from '../api/operations';
import { describeFailure, payloadFailure, type Failure } from '../errors';
import { t } from '../i18n';
import { saveTokens } from '../session';
import { FailureBox } from '../ui';

export function SignIn(props: { notice?: string | null }) {
  const [mode, setMode] = useState<'password' | 'sms'>('password');
  const [phone, setPhone] = useState('');
  const [secret, setSecret] = useState('');
  const [failure, setFailure] = useState<Failure | null>(null);
  const [, login] = useMutation(LoginMutation);
  const [, loginBySms] = useMutation(LoginBySmsMutation);
  const [, requestCode] = useMutation(RequestSmsCodeMutation);

  async function submit(e: Event) {
    e.preventDefault();
    setFailure(null);
    const r = mode === 'password'
      ? await login({ input: { phone, password: secret } })
      : await loginBySms({ input: { phone, smsCode: secret } });
    const payload = r.data ? ('login' in r.data ? r.data.login : r.data.loginBySms) : null;
    const failed = describeFailure(r.error, r.extensions, t('error'))
      ?? payloadFailure(payload?.errors, r.extensions);
    if (failed) return setFailure(failed);
    if (payload?.accessToken && payload.refreshToken) {
      saveTokens({ accessToken: payload.accessToken, refreshToken: payload.refreshToken });
    }
  }

  async function sendCode() {
    setFailure(null);
    const r = await requestCode({ input: { phone, purpose: 'LOGIN' } });
    setFailure(describeFailure(r.error, r.extensions, t('error'))
      ?? payloadFailure(r.data?.requestSmsCode.errors, r.extensions));
  }

  return (
    <form class="signin card" onSubmit={submit} data-testid="signin">
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
            <button type="button" onClick={sendCode} data-testid="send-code">{t('sendCode')}</button></span>
        </label>
      )}
      <button type="submit" class="primary" data-testid="submit">{t('signIn')}</button>
      {failure && <FailureBox failure={failure} />}
    </form>
  );
}
