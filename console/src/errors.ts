// What a failed request shows: the API's message (in the chosen language), its code, and the
// trace id an operator can look up. Never a blank page.
import type { CombinedError } from '@urql/core';

export interface Failure {
  message: string;
  code: string | null;
  traceId: string | null;
}

interface ErrorLike {
  message: string;
  extensions?: Record<string, unknown>;
}

const REFUSALS = new Set(['FORBIDDEN', 'UNAUTHENTICATED', 'NOT_FOUND']);

export function isRefusal(f: Failure | null): boolean {
  return !!f?.code && REFUSALS.has(f.code);
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v ? v : null;
}

/** A failure from an urql error and the response's extensions (where UnionHub puts traceId). */
export function describeFailure(
  error: Pick<CombinedError, 'message' | 'graphQLErrors' | 'networkError'> | undefined,
  extensions?: Record<string, unknown> | null,
  fallback = 'request failed',
): Failure | null {
  if (!error) return null;
  const first: ErrorLike | undefined = error.graphQLErrors[0];
  const ext = first?.extensions ?? {};
  const traceId = str(extensions?.traceId) ?? str(ext.traceId) ?? str(ext.trace_id);
  if (first) {
    return { message: first.message || fallback, code: str(ext.code), traceId };
  }
  return { message: error.networkError?.message || error.message || fallback, code: null, traceId };
}

/** A mutation payload's own errors ({code message}) as a failure. */
export function payloadFailure(
  errors: ReadonlyArray<{ code: string; message: string }> | null | undefined,
  extensions?: Record<string, unknown> | null,
): Failure | null {
  if (!errors?.length) return null;
  return { message: errors[0].message, code: errors[0].code, traceId: str(extensions?.traceId) };
}
