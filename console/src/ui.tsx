// Shared pieces: a query hook with polling, the failure box (message, code, trace id), KPI cards.
import type { AnyVariables, TypedDocumentNode } from '@urql/core';
import { useQuery } from '@urql/preact';
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo } from 'preact/hooks';
import { describeFailure, isRefusal, type Failure } from './errors';
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
  const failure = describeFailure(result.error, result.extensions, t('error'));
  return { data: result.data, fetching: result.fetching, failure, reexecute };
}

export function FailureBox({ failure }: { failure: Failure }) {
  const refused = isRefusal(failure);
  return (
    <div class={`failure${refused ? ' refused' : ''}`} role="alert" data-testid={refused ? 'refusal' : 'failure'}>
      <strong>{refused ? t('refused') : t('error')}</strong>
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
