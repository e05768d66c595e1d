// The operations view: readiness, slow operations with a waterfall of a trace's spans, the
// payment-exceptions queue with its actions, and a trace-id lookup. Polled.
import { useMutation } from '@urql/preact';
import { useMemo, useState } from 'preact/hooks';
import {
  OperationMetricsQuery, PaymentExceptionsQuery, ReadinessQuery, ResolvePaymentExceptionMutation, SlowOperationsQuery,
  TraceQuery,
} from '../api/operations';
import { Chart } from '../chart';
import { barOption, waterfallOption } from '../charts';
import { describeFailure, payloadFailure, type Failure } from '../errors';
import { percent, yuan } from '../format';
import { label, lang, t } from '../i18n';
import { formatRoute } from '../route';
import { FailureBox, Section, useGql, useOnce } from '../ui';

const POLL_MS = 10_000;

export function Ops({ trace }: { trace?: string }) {
  return (
    <div class="ops" data-testid="ops">
      <div class="grid">
        <Readiness />
        <Red />
        <SlowOperations trace={trace} />
        <PaymentExceptions />
      </div>
    </div>
  );
}

function Readiness() {
  const q = useGql(ReadinessQuery, {}, { pollMs: POLL_MS });
  const r = q.data?.readiness;
  return (
    <Section title={t('readiness')} id="readiness" failure={q.failure} loading={!r}>
      {r && (
        <ul class="ready" data-testid="readiness">{r.checks.map((c) => (
          <li key={c.name} class={c.ok ? 'ok' : 'bad'}><span>{c.name}</span><strong>{c.detail}</strong></li>))}</ul>
      )}
    </Section>
  );
}

const RED_WINDOW_SECONDS = 300;

/** Rate, errors and duration per operation over the last five minutes (operationMetrics). */
function Red() {
  const q = useGql(OperationMetricsQuery, { windowSeconds: RED_WINDOW_SECONDS }, { pollMs: POLL_MS });
  const m = q.data?.operationMetrics;
  const ops = useMemo(() => [...(m?.operations ?? [])].sort((a, b) => b.count - a.count).slice(0, 12), [m]);
  const names = ops.map((o) => o.operationName);
  const rate = useMemo(() => barOption(names, [{ name: t('rate'), values: ops.map((o) => o.ratePerSecond) }]), [ops]);
  const errors = useMemo(() => barOption(names, [{ name: t('errorRate'), values: ops.map((o) => o.errorRate ?? 0) }]), [ops]);
  const duration = useMemo(() => barOption(names, [{ name: 'p50', values: ops.map((o) => o.p50Ms) },
    { name: 'p95', values: ops.map((o) => o.p95Ms) }, { name: 'p99', values: ops.map((o) => o.p99Ms) }]), [ops]);
  return (
    <Section title={`${t('red')} · ${m ? Math.round(m.windowSeconds) : RED_WINDOW_SECONDS} s`} id="red" failure={q.failure} loading={!m}>
      {m && !m.metricsEnabled && <p class="muted">{t('metricsOff')}</p>}
      {ops.length > 0 && (
        <div data-testid="red-charts">
          <Chart option={rate} height={180} testid="red-rate" />
          <Chart option={errors} height={180} testid="red-errors" />
          <Chart option={duration} height={200} testid="red-duration" />
          <table data-testid="red-table"><thead><tr><th>{t('operation')}</th><th>n</th><th>{t('rate')}</th><th>{t('errorRate')}</th><th>{t('p95')}</th></tr></thead>
            <tbody>{ops.map((o) => (
              <tr key={`${o.operationType}:${o.operationName}`}><td>{o.operationName}</td><td>{o.count}</td>
                <td>{o.ratePerSecond.toFixed(2)}</td><td>{percent(o.errorRate)}</td><td>{o.p95Ms ?? '—'}</td></tr>))}</tbody></table>
        </div>
      )}
    </Section>
  );
}

function SlowOperations({ trace }: { trace?: string }) {
  const q = useGql(SlowOperationsQuery, {}, { pollMs: POLL_MS });
  const [lookup, setLookup] = useState(trace ?? '');
  const ops = q.data?.slowOperations ?? [];
  const open = (id: string) => { location.hash = formatRoute({ page: 'ops', trace: id }); };
  return (
    <>
      <Section title={t('traceLookup')} id="trace-lookup">
        <form class="row" onSubmit={(e) => { e.preventDefault(); if (lookup.trim()) open(lookup.trim()); }}>
          <input value={lookup} placeholder="4bf92f3577b34da6a3ce929d0e0e4736" data-testid="trace-input"
            onInput={(e) => setLookup(e.currentTarget.value)} />
          <button type="submit">{t('lookup')}</button>
        </form>
        {trace && <Waterfall traceId={trace} />}
      </Section>
      <Section title={t('slowOps')} id="slow-operations" failure={q.failure} loading={!q.data}>
        <table data-testid="slow-operations"><thead><tr><th>{t('at')}</th><th>{t('operation')}</th><th>{t('duration')}</th><th>{t('traceId')}</th></tr></thead>
          <tbody>{ops.map((o) => (
            <tr key={o.traceId} class={o.traceId === trace ? 'selected' : ''}>
              <td>{o.at.slice(11, 19)}</td><td>{o.operationName}</td><td>{o.durationMs.toFixed(1)}</td>
              <td><a href={formatRoute({ page: 'ops', trace: o.traceId })} data-testid="open-trace"><code>{o.traceId}</code></a></td>
            </tr>))}</tbody></table>
      </Section>
    </>
  );
}

/** One trace's spans (trace(traceId)), as a waterfall from their start offsets. */
function Waterfall({ traceId }: { traceId: string }) {
  const q = useGql(TraceQuery, { traceId });
  const tr = q.data?.trace;
  const option = useMemo(() => tr ? waterfallOption(tr.spans.map((s) => ({
    name: s.table ? `${s.name} · ${s.table}` : s.name, durationMs: s.durationMs, startMs: s.startOffsetMs,
  }))) : null, [tr]);
  if (q.failure) return <FailureBox failure={q.failure} />;
  if (!q.data) return <p class="muted">{t('loading')}</p>;
  if (!tr || !option) return <p class="muted" data-testid="trace-not-found">{t('notFound')}: <code>{traceId}</code></p>;
  return (
    <div data-testid="waterfall">
      <h3>{t('waterfall')}: {tr.operationName} · {tr.durationMs.toFixed(1)} ms · <code>{tr.traceId}</code></h3>
      {tr.spans.some((s) => s.startOffsetMs == null) && <p class="muted">{t('spanNote')}</p>}
      <Chart option={option} height={Math.max(160, 28 * tr.spans.length + 40)} testid="waterfall-chart" />
    </div>
  );
}

function PaymentExceptions() {
  const q = useGql(PaymentExceptionsQuery, {}, { pollMs: POLL_MS });
  const [, resolve] = useMutation(ResolvePaymentExceptionMutation);
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<Failure | null>(null);
  // Resolved here: off the list while the refreshed queue is on its way.
  const [resolved, setResolved] = useState<ReadonlySet<string>>(new Set());
  const rows = q.data?.paymentExceptions.edges.map((e) => e.node).filter((x) => !resolved.has(x.id)) ?? [];
  const [busy, once] = useOnce();
  const act = (id: string, action: 'RETRY' | 'HANDLED_OFFLINE') => once(async () => {
    setFailure(null);
    const r = await resolve({ input: { id, action, note: notes[id] || null } });
    const failed = describeFailure(r.error, r.extensions, t('unanswered'))
      ?? payloadFailure(r.data?.resolvePaymentException.errors, r.extensions);
    if (failed) setFailure(failed);
    else setResolved((s) => new Set(s).add(id));
    // Resolved, or resolved by someone else meanwhile: show the queue as it is now.
    if (!failed || failed.code === 'EXCEPTION_ALREADY_RESOLVED' || failed.code === 'NOT_FOUND') {
      await q.reexecute({ requestPolicy: 'network-only' });
    }
  });
  return (
    <Section title={t('exceptions')} id="payment-exceptions" failure={q.failure} loading={!q.data}>
      {failure && <FailureBox failure={failure} />}
      {rows.length === 0 ? <p class="muted" data-testid="no-exceptions">{t('none')}</p> : (
        <table data-testid="payment-exceptions"><thead><tr><th>{t('at')}</th><th>{t('kind')}</th><th>{t('amount')}</th><th>{t('reason')}</th><th>{t('resolve')}</th></tr></thead>
          <tbody>{rows.map((x) => (
            <tr key={x.id} data-testid="exception-row">
              <td>{x.openedAt.slice(0, 16).replace('T', ' ')}</td><td>{label('PaymentExceptionKind', x.kind)} · {x.provider}{x.orderId ? ` #${x.orderId}` : ''}</td>
              <td>{yuan(x.amountFen, lang())}</td><td>{x.reason}</td>
              <td class="actions">
                <input placeholder={t('note')} value={notes[x.id] ?? ''} data-testid="exception-note"
                  onInput={(e) => setNotes({ ...notes, [x.id]: e.currentTarget.value })} />
                {(x.kind === 'REFUND_FAILED' || x.kind === 'OPEN_TOO_LONG') && (
                  <button onClick={() => act(x.id, 'RETRY')} disabled={busy}>{t('retry')}</button>)}
                <button onClick={() => act(x.id, 'HANDLED_OFFLINE')} disabled={busy} data-testid="handled-offline">{t('handledOffline')}</button>
              </td>
            </tr>))}</tbody></table>
      )}
    </Section>
  );
}
