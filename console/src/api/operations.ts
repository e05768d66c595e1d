// Every operation the console sends. The code generator types them and writes the
// persisted-documents manifest from this file: add an operation here, run `npm run codegen`.
import { graphql } from '../gql';

export const LoginMutation = graphql(`
  mutation ConsoleLogin($input: LoginInput!) {
    login(input: $input) { accessToken refreshToken errors { code message retryAfterSeconds } }
  }
`);

export const LoginBySmsMutation = graphql(`
  mutation ConsoleLoginBySms($input: LoginBySmsInput!) {
    loginBySms(input: $input) { accessToken refreshToken errors { code message retryAfterSeconds } }
  }
`);

export const RequestSmsCodeMutation = graphql(`
  mutation ConsoleRequestSmsCode($input: RequestSmsCodeInput!) {
    requestSmsCode(input: $input) { retryAfterSeconds errors { code message } }
  }
`);

export const RefreshMutation = graphql(`
  mutation ConsoleRefresh($input: RefreshTokenInput!) {
    refreshToken(input: $input) { accessToken refreshToken errors { code message } }
  }
`);

// Signing out ends the session on the server (its refresh token at once), not only in the tab.
export const LogoutMutation = graphql(`
  mutation ConsoleLogout {
    logout { sessionsEnded errors { code message } }
  }
`);

export const MeQuery = graphql(`
  query ConsoleMe {
    me { id displayName tier union { id name level regionCode } }
  }
`);

// The cockpit: one query for the union's figures, its children's (drill-down, map) and its
// monthly trend, all computed by the API for the cadre's scope (cockpit(unionId, period)).
export const CockpitQuery = graphql(`
  query ConsoleCockpit($unionId: ID!, $period: String!) {
    cockpit(unionId: $unionId, period: $period) {
      ...CockpitFigures
      from to
      union { id name level regionCode regionName parent { id name level } }
      topActivities(first: 3) { activityId name kind enrolledCount }
      children { ...CockpitFigures union { id name level regionCode regionName isHoldingPool } }
      trend(last: 12) { ...CockpitFigures }
    }
  }
  fragment CockpitFigures on Cockpit {
    period regionCode
    membership {
      registeredMembers verifiedMembers activeCards applicationsPending applicationsOverdue
      applicationsOverdueInPeriod transfersPending figuresAsOf
    }
    services {
      requestsReceived requestsCompleted completedOnTime onTimeRate meanRating overdueNow escalated
      articlesPublished articleReads
    }
    activities { enrolments byKind { kind activities enrolments participants } }
    mall {
      salesFen orderCount certifiedSalesFen povertyShare meetsPovertyLine povertyShareLine
      voucherUsedFen voucherOrderSalesFen leverage
    }
    funds { year allocatedFen spentFen toChildrenFen availableFen }
  }
`);

export const RankingQuery = graphql(`
  query ConsoleRanking($unionId: ID!, $period: String!, $by: CockpitMetric!) {
    cockpit(unionId: $unionId, period: $period) {
      ranking(by: $by) { rank value union { id name level } }
    }
  }
`);

// Detail the cockpit leaves to the existing reports: sales by region and by union (the top 20
// of each by sales, through their connections), vouchers issued against the budget, the funds
// ledger's entries.
export const MallQuery = graphql(`
  query ConsoleMall($unionId: ID!, $from: Date!, $to: Date!) {
    mallReport(unionId: $unionId, from: $from, to: $to) {
      salesFen voucherBudgetFen voucherIssuedFen voucherUsedFen
      salesByRegionConnection(first: 20) { edges { node { regionCode regionName salesFen orderCount } } }
      salesByUnionConnection(first: 20) {
        edges { node { salesFen orderCount certifiedSalesFen povertyShare meetsPovertyLine union { id name } } }
      }
    }
  }
`);

export const FundsQuery = graphql(`
  query ConsoleFunds($unionId: ID!, $year: Int!) {
    unionFundsLedger(unionId: $unionId, year: $year, first: 10) {
      year allocatedFen spentFen toChildrenFen availableFen
      entries { edges { node { id kind amountFen at orderId counterpartUnion { id name } } } }
    }
  }
`);

export const LeaderboardQuery = graphql(`
  query ConsoleLeaderboard($activityId: ID!) {
    leaderboard(activityId: $activityId, by: UNION, first: 10) { rank score union { id name } }
  }
`);

export const OperationMetricsQuery = graphql(`
  query ConsoleOperationMetrics($windowSeconds: Int!) {
    operationMetrics(windowSeconds: $windowSeconds) {
      at windowSeconds metricsEnabled
      operations {
        operationType operationName count ratePerSecond errors errorRate p50Ms p95Ms p99Ms
        errorsByCode { code count }
      }
    }
  }
`);

export const TraceQuery = graphql(`
  query ConsoleTrace($traceId: String!) {
    trace(traceId: $traceId) {
      traceId operationName durationMs at
      spans { spanId parentSpanId name startOffsetMs durationMs status operation table rowCount }
    }
  }
`);

export const ReadinessQuery = graphql(`
  query ConsoleReadiness {
    readiness { ready checks { name ok detail } }
  }
`);

export const SlowOperationsQuery = graphql(`
  query ConsoleSlowOperations {
    slowOperations(first: 50) {
      traceId operationName durationMs at
      slowestSpans { name durationMs operation table rowCount }
    }
  }
`);

export const PaymentExceptionsQuery = graphql(`
  query ConsolePaymentExceptions {
    paymentExceptions(first: 50, status: OPEN) {
      edges { node { id kind status orderId provider providerRef amountFen reason openedAt } }
    }
  }
`);

export const ResolvePaymentExceptionMutation = graphql(`
  mutation ConsoleResolvePaymentException($input: ResolvePaymentExceptionInput!) {
    resolvePaymentException(input: $input) {
      exception { id status resolution resolvedAt }
      errors { code field message }
    }
  }
`);

// The root union's funds under two admins (ADMIN only): the roots to propose for, the root's
// budget for a year, the proposals of a status, and the four steps. Every refusal is the API's.
export const RootUnionsQuery = graphql(`
  query ConsoleRootUnions {
    unionsConnection(first: 20) { edges { node { id name level isHoldingPool } } }
  }
`);

export const RootBudgetQuery = graphql(`
  query ConsoleRootBudget($unionId: ID!, $year: Int!) {
    unionFundsLedger(unionId: $unionId, year: $year, first: 5) {
      year allocatedFen spentFen toChildrenFen availableFen
    }
  }
`);

export const RootFundsProposalsQuery = graphql(`
  query ConsoleRootFundsProposals($status: RootUnionFundsProposalStatus) {
    rootUnionFundsProposals(status: $status, last: 50) {
      edges { node { ...RootFundsProposalFields } }
    }
  }
  fragment RootFundsProposalFields on RootUnionFundsProposal {
    id year amountFen reason status proposedAt decidedAt note
    union { id name }
    proposedBy { id displayName }
    decidedBy { id displayName }
  }
`);

export const ProposeRootFundsMutation = graphql(`
  mutation ConsoleProposeRootFunds($input: ProposeRootUnionFundsInput!) {
    proposeRootUnionFunds(input: $input) { proposal { id status } errors { code field message } }
  }
`);

export const ApproveRootFundsMutation = graphql(`
  mutation ConsoleApproveRootFunds($input: ApproveRootUnionFundsInput!) {
    approveRootUnionFunds(input: $input) {
      proposal { id status } budget { year allocatedFen } errors { code field message }
    }
  }
`);

export const RejectRootFundsMutation = graphql(`
  mutation ConsoleRejectRootFunds($input: RejectRootUnionFundsInput!) {
    rejectRootUnionFunds(input: $input) { proposal { id status note } errors { code field message } }
  }
`);

export const WithdrawRootFundsMutation = graphql(`
  mutation ConsoleWithdrawRootFunds($input: WithdrawRootUnionFundsInput!) {
    withdrawRootUnionFunds(input: $input) { proposal { id status } errors { code field message } }
  }
`);
