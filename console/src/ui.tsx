// Shared pieces: a query hook with polling, the failure box (message, code, trace id), KPI cards.
import type { AnyVariables, TypedDocumentNode } from '@urql/core';
import { useQuery } from '@urql/preact';
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { describeFailure, type Failure } from './errors';
import { t } from './i18n';

export function useGql<Data, Vars extends AnyVariables>(
  query: TypedDocumentNode<Data, Vars>, variables: Vars, opts: { pause?: boolean; pollMs?: number } = {},
) {
  const key = JSON.stringify(variables);
  const vars = useMemo(() => variables, [key]);
  const [result, reexecute] = useQuery<Data, Vars>({ query, variables: vars, pause: opts.pause } as never);
  useEffect(() => {
    if (!opts.pollMs || opts.pause) return;
    const id = setInterval(() => reexecute({ requestPolicy: 'network-only' }), opts.pollMs);
    return () => clearInterval(id);
  }, [opts.pollMs, opts.pause, reexecute]);
  const failure = describeFailure(result.error, result.extensions, t('unanswered'));
  return { data: result.data, fetching: result.fetching, failure, reexecute };
}

// The heading says which it is: not yours (denied), the rules said no (declined), or the
// request itself failed; only the last reads 请求失败.
const BOX = {
  denied: { cls: 'failure refused', testid: 'refusal', title: 'refused' },
  declined: { cls: 'failure declined', testid: 'declined', title: 'declined' },
  failed: { cls: 'failure', testid: 'failure', title: 'error' },
} as const;

/** One submission at a time: `run` ignores a call while the last one is in flight (a double
 * click must not propose, approve or resolve twice), and `busy` disables the buttons meanwhile.
 * The ref, not the state, is the guard: two clicks can arrive before a re-render. */
export function useOnce(): [boolean, (fn: () => Promise<unknown>) => Promise<void>] {
  const inFlight = useRef(false);
  const [busy, setBusy] = useState(false);
  async function run(fn: () => Promise<unknown>) {
    if (inFlight.current) return;
    inFlight.current = true;
    setBusy(true);
    try {
      await fn();
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  }
  return [busy, run];
}

export function FailureBox({ failure }: { failure: Failure }) {
  const box = BOX[failure.kind];
  return (
    <div class={box.cls} role="alert" data-testid={box.testid}>
      <strong>{t(box.title)}</strong>
      <span class="message">{failure.message}</span>
      {failure.code && <code class="code">{failure.code}</code>}
      {failure.traceId && (
        <span class="trace">
          {t('traceId')}: <code data-testid="trace-id">{failure.traceId}</code>
        </span>
      )}
    </div>
  );
}

export function Section(props: {
  title: string; id: string; failure?: Failure | null; loading?: boolean; children?: ComponentChildren;
}) {
  return (
    <section class="card" id={props.id} data-testid={`section-${props.id}`}>
      <h2>{props.title}</h2>
      {props.failure ? <FailureBox failure={props.failure} /> : props.loading ? <p class="muted">{t('loading')}</p> : props.children}
    </section>
  );
}

export function Kpi(props: { label: string; value: string; testid: string }) {
  return (
    <div class="kpi">
      <div class="kpi-value" data-testid={`kpi-${props.testid}`}>{props.value}</div>
      <div class="kpi-label">{props.label}</div>
    </div>
  );
}
