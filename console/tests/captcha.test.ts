import { describe, expect, it } from 'vitest';
import { needsCaptcha, parseConfig, proofOf, SANDBOX_PROOF } from '../src/captcha';

describe('captcha', () => {
  it('is shown for CAPTCHA_REQUIRED and again for CAPTCHA_INVALID only', () => {
    expect(needsCaptcha('CAPTCHA_REQUIRED')).toBe(true);
    expect(needsCaptcha('CAPTCHA_INVALID')).toBe(true);
    expect(needsCaptcha('SMS_RESEND_TOO_SOON')).toBe(false);
    expect(needsCaptcha(null)).toBe(false);
  });
  it('reads the server config: Tencent with its app id and script, else the sandbox', () => {
    const script = 'https://turing.captcha.qcloud.com/TJCaptcha.js';
    expect(parseConfig({ captcha: { provider: 'tencent', appId: '190000000', script } }))
      .toEqual({ provider: 'tencent', appId: '190000000', script });
    expect(parseConfig({ captcha: { provider: 'sandbox' } })).toEqual({ provider: 'sandbox' });
    // No app id, or a script not over https: nothing is loaded from it.
    expect(parseConfig({ captcha: { provider: 'tencent', script } })).toEqual({ provider: 'sandbox' });
    expect(parseConfig({ captcha: { provider: 'tencent', appId: '1', script: 'http://x/a.js' } }))
      .toEqual({ provider: 'sandbox' });
    expect(parseConfig(null)).toEqual({ provider: 'sandbox' });
  });
  it("takes the widget's ticket and randstr when solved, nothing when closed", () => {
    expect(proofOf({ ret: 0, ticket: 't0', randstr: '@r' })).toEqual({ ticket: 't0', randstr: '@r' });
    expect(proofOf({ ret: 2, ticket: null })).toBeNull();
    expect(proofOf({ ret: 0, ticket: '', randstr: '@r' })).toBeNull();
    expect(SANDBOX_PROOF.ticket).toBe('sandbox-pass');
  });
});
