import { CombinedError } from '@urql/core';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { describeFailure, inputRefused, isRefusal, payloadFailure } from '../src/errors';
import { t } from '../src/i18n';

describe('failures', () => {
  it('takes the message, code and the response trace id', () => {
    const error = new CombinedError({
      graphQLErrors: [new GraphQLError('无权访问', { extensions: { code: 'FORBIDDEN' } })],
    });
    const f = describeFailure(error, { traceId: 'abc123' });
    expect(f).toEqual({ message: '无权访问', code: 'FORBIDDEN', traceId: 'abc123', kind: 'denied' });
    expect(isRefusal(f)).toBe(true);
  });
  it('falls back to the error extensions trace id, then to none', () => {
    const error = new CombinedError({
      graphQLErrors: [new GraphQLError('boom', { extensions: { code: 'INTERNAL_SERVER_ERROR', traceId: 'e1' } })],
    });
    expect(describeFailure(error, null)?.traceId).toBe('e1');
    expect(isRefusal(describeFailure(error))).toBe(false);
  });
  it("describes a request that got no answer in the person's words, not the browser's", () => {
    for (const language of ['zh-CN', 'en'] as const) {
      const words = t('unanswered', language);
      const f = describeFailure(new CombinedError({ networkError: new Error('Failed to fetch') }), undefined, words);
      expect(f).toEqual({ message: words, code: null, traceId: null, kind: 'failed' });
    }
    expect(t('unanswered', 'zh-CN')).toMatch(/服务器/);
    expect(describeFailure(undefined)).toBeNull();
  });
  it('turns payload errors into a failure', () => {
    expect(payloadFailure([{ code: 'INVALID_CREDENTIALS', message: 'wrong' }], { traceId: 't' }))
      .toEqual({ message: 'wrong', code: 'INVALID_CREDENTIALS', traceId: 't', kind: 'declined' });
    expect(payloadFailure([], {})).toBeNull();
  });
  it('tells a refusal by the rules from a failed request', () => {
    // A mutation's own errors (SELF_APPROVAL, INSUFFICIENT_FUNDS ...) are the rules saying no:
    // the request worked. So is a rate limit or a value the API refused.
    expect(payloadFailure([{ code: 'SELF_APPROVAL', message: '须由另一位管理员审批' }])?.kind).toBe('declined');
    for (const code of ['RATE_LIMITED', 'BAD_USER_INPUT']) {
      const error = new CombinedError({ graphQLErrors: [new GraphQLError('no', { extensions: { code } })] });
      expect(describeFailure(error)?.kind).toBe('declined');
    }
    for (const code of ['INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE', 'PERSISTED_QUERY_NOT_FOUND']) {
      const error = new CombinedError({ graphQLErrors: [new GraphQLError('boom', { extensions: { code } })] });
      expect(describeFailure(error)?.kind).toBe('failed');
    }
    // An outside service that could not answer is a failure to retry, even in a payload.
    for (const code of ['SMS_PROVIDER_UNAVAILABLE', 'CAPTCHA_PROVIDER_UNAVAILABLE']) {
      expect(payloadFailure([{ code, message: 'try again shortly' }])?.kind).toBe('failed');
    }
    expect(inputRefused('bad amount')).toEqual({ message: 'bad amount', code: null, traceId: null, kind: 'declined' });
  });
});
