import { CombinedError } from '@urql/core';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { describeFailure, isRefusal, payloadFailure } from '../src/errors';

describe('failures', () => {
  it('takes the message, code and the response trace id', () => {
    const error = new CombinedError({
      graphQLErrors: [new GraphQLError('无权访问', { extensions: { code: 'FORBIDDEN' } })],
    });
    const f = describeFailure(error, { traceId: 'abc123' });
    expect(f).toEqual({ message: '无权访问', code: 'FORBIDDEN', traceId: 'abc123' });
    expect(isRefusal(f)).toBe(true);
  });
  it('falls back to the error extensions trace id, then to none', () => {
    const error = new CombinedError({
      graphQLErrors: [new GraphQLError('boom', { extensions: { code: 'INTERNAL_SERVER_ERROR', traceId: 'e1' } })],
    });
    expect(describeFailure(error, null)?.traceId).toBe('e1');
    expect(isRefusal(describeFailure(error))).toBe(false);
  });
  it('describes a network failure without a blank message', () => {
    const f = describeFailure(new CombinedError({ networkError: new Error('Failed to fetch') }), undefined, 'x');
    expect(f).toEqual({ message: 'Failed to fetch', code: null, traceId: null });
    expect(describeFailure(undefined)).toBeNull();
  });
  it('turns payload errors into a failure', () => {
    expect(payloadFailure([{ code: 'INVALID_CREDENTIALS', message: 'wrong' }], { traceId: 't' }))
      .toEqual({ message: 'wrong', code: 'INVALID_CREDENTIALS', traceId: 't' });
    expect(payloadFailure([], {})).toBeNull();
  });
});
