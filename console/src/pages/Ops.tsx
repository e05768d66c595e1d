// The operations view: readiness, slow operations with a waterfall of a trace's spans, the
// payment-exceptions queue with its actions, and a trace-id lookup. Polled.
import { useMutation } from '@urql/preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { PaymentExceptionsQuery, ResolvePaymentExceptionMutation, SlowOperationsQuery } from '../api/operations';
import { Chart } from '../chart';
import { waterfallOption } from '../charts';
import { describeFailure, payloadFailure, type Failure } from '../errors';
import { yuan } from '../format';
import { lang, t } from '../i18n';
import { formatRoute } from '../route';
import { FailureBox, Section, useGql } from '../ui';

const POLL_MS = 10_000;

export function Ops({ trace }: { trace?: string }) {
  return (
    <div class="ops" data-testid="ops">
      <div class="grid">
        <Readiness />
        <SlowOperations trace={trace} />
        <PaymentExceptions />
      </div>
    </div>
  );
}

function Readiness() {
  const [state, setState] = useState<Record<string, string> | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  useEffect(() => {
    let live = true;
    const poll = async () => {
      try {
        const r = await fetch('/ready', { headers: { Accept: 'application/json' } });
        if (live) { setState((await r.json()) as Record<string, string>); setFailure(null); }
      } catch (e) {
        if (live) setFailure({ message: String(e), code: null, traceId: null });
      }
    };
    void poll();
    const id = setInterval(poll, POLL_MS);
    return () => { live = false; clearInterval(id); };
  }, []);
  return (
    <Section title={t('readiness')} id="readiness" failure={failure} loading={!state}>
      {state && (
        <ul class="ready" data-testid="readiness">{Object.entries(state).map(([k, v]) => (
          <li key={k} class={v === 'ok' ? 'ok' : 'bad'}><span>{k}</span><strong>{v}</strong></li>))}</ul>
      )}
    </Section>
  );
}

function SlowOperations({ trace }: { trace?: string }) {
  const q = useGql(SlowOperationsQuery, {}, { pollMs: POLL_MS });
  const [lookup, setLookup] = useState(trace ?? '');
  const ops = q.data?.slowOperations ?? [];
  const selected = trace ? ops.find((o) => o.traceId === trace) : undefined;
  const option = useMemo(() => selected ? waterfallOption(selected.slowestSpans) : null, [selected]);
  const open = (id: string) => { location.hash = formatRoute({ page: 'ops', trace: id }); };
  return (
    <>
      <Section title={t('traceLookup')} id="trace-lookup">
        <form class="row" onSubmit={(e) => { e.preventDefault(); if (lookup.trim()) open(lookup.trim()); }}>
          <input value={lookup} placeholder="4bf92f3577b34da6a3ce929d0e0e4736" data-testid="trace-input"
            onInput={(e) => setLookup(e.currentTarget.value)} />
          <button type="submit">{t('lookup')}</button>
        </form>
        {trace && q.data && !selected && <p class="muted" data-testid="trace-not-found">{t('notFound')}: <code>{trace}</code></p>}
        {selected && option && (
          <div data-testid="waterfall">
            <h3>{t('waterfall')}: {selected.operationName} · {selected.durationMs.toFixed(1)} ms · <code>{selected.traceId}</code></h3>
            <Chart option={option} height={Math.max(160, 28 * selected.slowestSpans.length + 40)} testid="waterfall-chart" />
          </div>
        )}
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

function PaymentExceptions() {
  const q = useGql(PaymentExceptionsQuery, {}, { pollMs: POLL_MS });
  const [, resolve] = useMutation(ResolvePaymentExceptionMutation);
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<Failure | null>(null);
  const rows = q.data?.paymentExceptions.edges.map((e) => e.node) ?? [];
  async function act(id: string, action: 'RETRY' | 'HANDLED_OFFLINE') {
    setFailure(null);
    const r = await resolve({ input: { id, action, note: notes[id] || null } });
    const failed = describeFailure(r.error, r.extensions, t('error'))
      ?? payloadFailure(r.data?.resolvePaymentException.errors, r.extensions);
    if (failed) return setFailure(failed);
    q.reexecute({ requestPolicy: 'network-only' });
  }
  return (
    <Section title={t('exceptions')} id="payment-exceptions" failure={q.failure} loading={!q.data}>
      {failure && <FailureBox failure={failure} />}
      {rows.length === 0 ? <p class="muted" data-testid="no-exceptions">{t('none')}</p> : (
        <table data-testid="payment-exceptions"><thead><tr><th>{t('at')}</th><th>{t('kind')}</th><th>{t('amount')}</th><th>{t('reason')}</th><th>{t('resolve')}</th></tr></thead>
          <tbody>{rows.map((x) => (
            <tr key={x.id} data-testid="exception-row">
              <td>{x.openedAt.slice(0, 16).replace('T', ' ')}</td><td>{x.kind} · {x.provider}{x.orderId ? ` #${x.orderId}` : ''}</td>
              <td>{yuan(x.amountFen, lang())}</td><td>{x.reason}</td>
              <td class="actions">
                <input placeholder={t('note')} value={notes[x.id] ?? ''} data-testid="exception-note"
                  onInput={(e) => setNotes({ ...notes, [x.id]: e.currentTarget.value })} />
                {(x.kind === 'REFUND_FAILED' || x.kind === 'OPEN_TOO_LONG') && (
                  <button onClick={() => act(x.id, 'RETRY')}>{t('retry')}</button>)}
                <button onClick={() => act(x.id, 'HANDLED_OFFLINE')} data-testid="handled-offline">{t('handledOffline')}</button>
              </td>
            </tr>))}</tbody></table>
      )}
    </Section>
  );
}
