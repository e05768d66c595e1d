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

export const MeQuery = graphql(`
  query ConsoleMe {
    me { id displayName tier union { id name level regionCode } }
  }
`);

export const UnionQuery = graphql(`
  query ConsoleUnion($id: ID!) {
    union(id: $id) {
      id name level regionCode regionName
      parent { id name level }
      children { id name level regionCode regionName }
    }
  }
`);

// The cockpit asks one query per section, so that one refused or failed section shows its
// own message and trace id while the others keep their figures.
export const MembershipQuery = graphql(`
  query ConsoleMembership($unionId: ID!, $period: String!) {
    unionScorecard(unionId: $unionId, period: $period) {
      period registeredMembers verifiedMembers requestsReceived requestsCompleted
      completedOnTime onTimeRate meanRating articlesPublished articleReads overdueApplications
    }
    pendingApplications: joinApplications(unionId: $unionId, status: PENDING) { id }
    overduePending: joinApplications(unionId: $unionId, status: PENDING, overdue: true) { id }
    transfersIn: transfers(unionId: $unionId, status: PENDING, direction: IN) { id }
  }
`);

export const RankingQuery = graphql(`
  query ConsoleRanking($unionId: ID!, $period: String!) {
    unionRanking(parentId: $unionId, period: $period) {
      registeredMembers verifiedMembers requestsReceived requestsCompleted completedOnTime
      onTimeRate meanRating articlesPublished articleReads overdueApplications
      union { id name level regionCode regionName }
    }
  }
`);

export const MallQuery = graphql(`
  query ConsoleMall($unionId: ID!, $from: Date!, $to: Date!) {
    mallReport(unionId: $unionId, from: $from, to: $to) {
      salesFen orderCount voucherBudgetFen voucherIssuedFen voucherUsedFen voucherOrderSalesFen
      leverage povertyShareLine
      salesByRegion { regionCode regionName salesFen orderCount }
      salesByUnion { salesFen orderCount certifiedSalesFen povertyShare meetsPovertyLine union { id name } }
    }
  }
`);

export const FundsQuery = graphql(`
  query ConsoleFunds($unionId: ID!, $year: Int!) {
    unionFundsLedger(unionId: $unionId, year: $year, first: 10) {
      year allocatedFen spentFen availableFen
      entries { edges { node { id kind amountFen at orderId } } }
    }
  }
`);

export const ActivitiesQuery = graphql(`
  query ConsoleActivities($unionId: ID!) {
    activities(unionId: $unionId, first: 10) {
      edges { node { id name kind status enrolledCount capacity startsAt } }
    }
  }
`);

export const TrendQuery = graphql(`
  query ConsoleTrend($id: ID!, $p0: String!, $p1: String!, $p2: String!, $p3: String!, $p4: String!, $p5: String!) {
    union(id: $id) {
      id
      m0: scorecard(period: $p0) { ...TrendPoint }
      m1: scorecard(period: $p1) { ...TrendPoint }
      m2: scorecard(period: $p2) { ...TrendPoint }
      m3: scorecard(period: $p3) { ...TrendPoint }
      m4: scorecard(period: $p4) { ...TrendPoint }
      m5: scorecard(period: $p5) { ...TrendPoint }
    }
  }
  fragment TrendPoint on Scorecard {
    period registeredMembers verifiedMembers requestsReceived requestsCompleted articleReads
  }
`);

export const LeaderboardQuery = graphql(`
  query ConsoleLeaderboard($activityId: ID!) {
    leaderboard(activityId: $activityId, by: UNION, first: 10) { rank score union { id name } }
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
