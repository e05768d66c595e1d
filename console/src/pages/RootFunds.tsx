// The root union's funds under two admins (ADMIN): its budget for a year, the proposals, and
// the four steps (propose, approve, reject with a note, withdraw). The page offers every step on
// every pending proposal and leaves the rules to the API (SELF_APPROVAL, NOT_PROPOSER,
// PROPOSAL_NOT_PENDING ...): its refusal is shown with the code, its trace id and what to do.
import { useMutation } from '@urql/preact';
import { useState } from 'preact/hooks';
import {
  ApproveRootFundsMutation, ProposeRootFundsMutation, RejectRootFundsMutation, RootBudgetQuery,
  RootFundsProposalsQuery, RootUnionsQuery, WithdrawRootFundsMutation,
} from '../api/operations';
import { describeFailure, inputRefused, payloadFailure, type Failure } from '../errors';
import { fenFromYuan, yuan } from '../format';
import type { ConsoleRootFundsProposalsQuery, RootUnionFundsProposalStatus } from '../gql/graphql';
import { hintFor, lang, t, type Key } from '../i18n';
import { FailureBox, Kpi, Section, useGql, useOnce } from '../ui';

type Filter = RootUnionFundsProposalStatus | 'ALL';
const FILTERS: Filter[] = ['PENDING', 'APPROVED', 'REJECTED', 'WITHDRAWN', 'ALL'];

interface Outcome { failure?: Failure | null; done?: string }

/** A step's result: the transport's or the payload's refusal, else the status it reached. */
function outcome(
  r: { error?: Parameters<typeof describeFailure>[0]; extensions?: Record<string, unknown> },
  payload: { proposal?: { status: string } | null; errors: ReadonlyArray<{ code: string; message: string }> } | undefined,
): Outcome {
  const failure = describeFailure(r.error, r.extensions, t('unanswered')) ?? payloadFailure(payload?.errors, r.extensions);
  if (failure) return { failure };
  return { done: t(`done_${payload?.proposal?.status ?? 'PENDING'}` as Key) };
}

function Result({ result, testid }: { result: Outcome | null; testid: string }) {
  if (!result) return null;
  if (result.done) return <p class="notice" data-testid={`${testid}-done`}>{result.done}</p>;
  const hint = hintFor(result.failure?.code);
  return (
    <div data-testid={`${testid}-failure`}>
      {result.failure && <FailureBox failure={result.failure} />}
      {hint && <p class="muted" data-testid="failure-hint">{hint}</p>}
    </div>
  );
}

export function RootFunds({ meId }: { meId: string }) {
  const roots = useGql(RootUnionsQuery, {});
  const [year, setYear] = useState(new Date().getFullYear());
  const [chosen, setChosen] = useState<string | null>(null);
  const unions = (roots.data?.unionsConnection.edges ?? []).map((e) => e.node).filter((u) => !u.isHoldingPool);
  const root = unions.find((u) => u.id === chosen) ?? unions[0];
  const budget = useGql(RootBudgetQuery, { unionId: root?.id ?? '', year }, { pause: !root });
  const [filter, setFilter] = useState<Filter>('PENDING');
  const list = useGql(RootFundsProposalsQuery, { status: filter === 'ALL' ? null : filter });
  const refresh = () => {
    budget.reexecute({ requestPolicy: 'network-only' });
    list.reexecute({ requestPolicy: 'network-only' });
  };
  const b = budget.data?.unionFundsLedger;
  const l = lang();
  return (
    <div class="root-funds" data-testid="root-funds">
      <header class="page-head">
        <div>
          <h1>{t('rootFunds')}</h1>
          <span class="muted">{t('twoAdmins')}</span>
        </div>
        <div class="head-actions">
          {unions.length > 1 && (
            <label>{t('rootUnion')}
              <select value={root?.id} data-testid="root-union" onChange={(e) => setChosen(e.currentTarget.value)}>
                {unions.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
              </select>
            </label>)}
          <label>{t('year')}
            <input type="number" value={year} min={2000} max={2100} data-testid="budget-year"
              onChange={(e) => { const y = Number(e.currentTarget.value); if (Number.isInteger(y) && y > 0) setYear(y); }} />
          </label>
        </div>
      </header>
      <div class="grid">
        <Section title={`${t('rootBudget')} · ${root?.name ?? '…'} · ${year}`} id="root-budget"
          failure={roots.failure ?? budget.failure} loading={!b}>
          {b && (
            <div class="kpis">
              <Kpi label={t('allocated')} value={yuan(b.allocatedFen, l)} testid="root-allocated" />
              <Kpi label={t('spent')} value={yuan(b.spentFen, l)} testid="root-spent" />
              <Kpi label={t('toChildren')} value={yuan(b.toChildrenFen, l)} testid="root-to-children" />
              <Kpi label={t('available')} value={yuan(b.availableFen, l)} testid="root-available" />
            </div>)}
        </Section>
        {root && <ProposeForm unionId={root.id} year={year} onDone={refresh} />}
      </div>
      <Section title={t('proposals')} id="root-proposals" failure={list.failure} loading={!list.data}>
        <label>{t('status')}{' '}
          <select value={filter} data-testid="status-filter" onChange={(e) => setFilter(e.currentTarget.value as Filter)}>
            {FILTERS.map((f) => <option key={f} value={f}>{t(`status_${f}` as Key)}</option>)}
          </select>
        </label>
        <Proposals rows={[...(list.data?.rootUnionFundsProposals.edges ?? [])].reverse().map((e) => e.node)}
          meId={meId} onDone={refresh} />
      </Section>
    </div>
  );
}

function ProposeForm({ unionId, year, onDone }: { unionId: string; year: number; onDone: () => void }) {
  const [, propose] = useMutation(ProposeRootFundsMutation);
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [forYear, setForYear] = useState<number | null>(null);
  const [result, setResult] = useState<Outcome | null>(null);
  const [busy, once] = useOnce();
  function submit(e: Event) {
    e.preventDefault();
    return once(async () => {
      const amountFen = fenFromYuan(amount);
      if (amountFen === null) return setResult({ failure: inputRefused(t('badAmount')) });
      const r = await propose({ input: { unionId, year: forYear ?? year, amountFen, reason } });
      const got = outcome(r, r.data?.proposeRootUnionFunds);
      setResult(got);
      if (got.done) { setAmount(''); setReason(''); onDone(); }
    });
  }
  return (
    <Section title={t('propose')} id="root-propose">
      <form class="form" onSubmit={submit} data-testid="propose-form">
        <label>{t('year')}
          <input type="number" name="year" value={forYear ?? year} data-testid="propose-year"
            onInput={(e) => setForYear(Number(e.currentTarget.value) || null)} />
        </label>
        <label>{t('amount')}
          <input name="amount" inputMode="decimal" placeholder="1000000.00" value={amount} data-testid="propose-amount"
            onInput={(e) => setAmount(e.currentTarget.value)} />
        </label>
        <label>{t('reason')}
          <input name="reason" maxLength={200} value={reason} data-testid="propose-reason"
            onInput={(e) => setReason(e.currentTarget.value)} />
        </label>
        <button type="submit" class="primary" data-testid="propose" disabled={busy}>{t('propose')}</button>
      </form>
      <Result result={result} testid="propose" />
    </Section>
  );
}

type Row = ConsoleRootFundsProposalsQuery['rootUnionFundsProposals']['edges'][number]['node'];

function Proposals({ rows, meId, onDone }: { rows: Row[]; meId: string; onDone: () => void }) {
  const [, approve] = useMutation(ApproveRootFundsMutation);
  const [, reject] = useMutation(RejectRootFundsMutation);
  const [, withdraw] = useMutation(WithdrawRootFundsMutation);
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [result, setResult] = useState<Outcome | null>(null);
  const [busy, once] = useOnce();
  // Decided here: no buttons on it while the refreshed list is on its way.
  const [decided, setDecided] = useState<ReadonlySet<string>>(new Set());
  const act = (id: string, step: 'approve' | 'reject' | 'withdraw') => once(async () => {
    setResult(null);
    const input = { proposalId: id };
    const got = step === 'approve' ? await approve({ input }).then((r) => outcome(r, r.data?.approveRootUnionFunds))
      : step === 'reject' ? await reject({ input: { ...input, note: notes[id] ?? '' } }).then((r) => outcome(r, r.data?.rejectRootUnionFunds))
        : await withdraw({ input }).then((r) => outcome(r, r.data?.withdrawRootUnionFunds));
    setResult(got);
    if (got.done) setDecided((d) => new Set(d).add(id));
    // A decision, or a proposal someone else decided meanwhile: show the list as it is now.
    if (got.done || got.failure?.code === 'PROPOSAL_NOT_PENDING' || got.failure?.code === 'PROPOSAL_NOT_FOUND') onDone();
  });
  const l = lang();
  return (
    <>
      <Result result={result} testid="decision" />
      {rows.length === 0 ? <p class="muted" data-testid="no-proposals">{t('none')}</p> : (
        <table data-testid="proposals">
          <thead><tr><th>#</th><th>{t('year')}</th><th>{t('amount')}</th><th>{t('reason')}</th><th>{t('proposer')}</th>
            <th>{t('proposedAt')}</th><th>{t('status')}</th><th>{t('decider')}</th><th /></tr></thead>
          <tbody>{rows.map((p) => (
            <tr key={p.id} data-testid="proposal-row" data-proposal={p.id}>
              <td>{p.id}</td><td>{p.year}</td><td data-testid="proposal-amount">{yuan(p.amountFen, l)}</td><td>{p.reason}</td>
              <td>{p.proposedBy.displayName}{p.proposedBy.id === meId ? ` (${t('mine')})` : ''}</td>
              <td>{p.proposedAt.slice(0, 16).replace('T', ' ')}</td>
              <td data-testid="proposal-status">{t(`status_${p.status}` as Key)}</td>
              <td>{p.decidedBy?.displayName ?? ''}{p.note ? ` · ${p.note}` : ''}</td>
              <td class="actions">{p.status === 'PENDING' && !decided.has(p.id) && (
                <>
                  <button onClick={() => act(p.id, 'approve')} disabled={busy} data-testid="approve">{t('approve')}</button>
                  <input placeholder={t('rejectNote')} maxLength={200} value={notes[p.id] ?? ''} data-testid="reject-note"
                    onInput={(e) => setNotes({ ...notes, [p.id]: e.currentTarget.value })} />
                  <button onClick={() => act(p.id, 'reject')} disabled={busy} data-testid="reject">{t('reject')}</button>
                  <button onClick={() => act(p.id, 'withdraw')} disabled={busy} data-testid="withdraw">{t('withdraw')}</button>
                </>)}</td>
            </tr>))}</tbody></table>)}
    </>
  );
}
