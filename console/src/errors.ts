// What a failed or refused request shows: the API's message (in the chosen language), its code,
// and the trace id an operator can look up. Never a blank page.
import type { CombinedError } from '@urql/core';

/** denied: not this person's to see or do (FORBIDDEN, UNAUTHENTICATED, NOT_FOUND);
 * declined: the request worked and the rules said no (a mutation's own errors such as
 * SELF_APPROVAL, a rate limit, a value refused, input the console refused before sending);
 * failed: the request itself did not work (network, server, protocol). */
export type FailureKind = 'denied' | 'declined' | 'failed';

export interface Failure {
  message: string;
  code: string | null;
  traceId: string | null;
  kind: FailureKind;
}

interface ErrorLike {
  message: string;
  extensions?: Record<string, unknown>;
}

const REFUSALS = new Set(['FORBIDDEN', 'UNAUTHENTICATED', 'NOT_FOUND']);
// Top-level codes (unionhub/error_codes.py) that are a rule's answer, not a broken request.
const DECLINED = new Set(['RATE_LIMITED', 'BAD_USER_INPUT']);

export function isRefusal(f: Failure | null): boolean {
  return f?.kind === 'denied';
}

function kindOf(code: string | null): FailureKind {
  if (code && REFUSALS.has(code)) return 'denied';
  return code && DECLINED.has(code) ? 'declined' : 'failed';
}

/** Input the console refuses before sending it (an amount with three decimals ...). */
export function inputRefused(message: string): Failure {
  return { message, code: null, traceId: null, kind: 'declined' };
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v ? v : null;
}

/** A failure from an urql error and the response's extensions (where UnionHub puts traceId).
 * `unanswered`: the words shown when no GraphQL answer came (the network, a proxy's error page):
 * the browser's own text ("Failed to fetch") is neither in the person's language nor of use. */
export function describeFailure(
  error: Pick<CombinedError, 'message' | 'graphQLErrors' | 'networkError'> | undefined,
  extensions?: Record<string, unknown> | null,
  unanswered = 'The server could not be reached or did not answer: try again shortly',
): Failure | null {
  if (!error) return null;
  const first: ErrorLike | undefined = error.graphQLErrors[0];
  const ext = first?.extensions ?? {};
  const traceId = str(extensions?.traceId) ?? str(ext.traceId) ?? str(ext.trace_id);
  if (first) {
    const code = str(ext.code);
    return { message: first.message || unanswered, code, traceId, kind: kindOf(code) };
  }
  return { message: unanswered, code: null, traceId, kind: 'failed' };
}

/** A mutation payload's own errors ({code message}): the rules' refusal, or an outside
 * service's failure. */
export function payloadFailure(
  errors: ReadonlyArray<{ code: string; message: string }> | null | undefined,
  extensions?: Record<string, unknown> | null,
): Failure | null {
  if (!errors?.length) return null;
  const { code, message } = errors[0];
  // SMS_PROVIDER_UNAVAILABLE, CAPTCHA_PROVIDER_UNAVAILABLE ...: an outside service did not
  // answer; nothing was refused, try again shortly.
  const kind = code.endsWith('_UNAVAILABLE') ? 'failed' : 'declined';
  return { message, code, traceId: str(extensions?.traceId), kind };
}
