/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation ConsoleLogin($input: LoginInput!) {\n    login(input: $input) { accessToken refreshToken errors { code message retryAfterSeconds } }\n  }\n": typeof types.ConsoleLoginDocument,
    "\n  mutation ConsoleLoginBySms($input: LoginBySmsInput!) {\n    loginBySms(input: $input) { accessToken refreshToken errors { code message retryAfterSeconds } }\n  }\n": typeof types.ConsoleLoginBySmsDocument,
    "\n  mutation ConsoleRequestSmsCode($input: RequestSmsCodeInput!) {\n    requestSmsCode(input: $input) { retryAfterSeconds errors { code message } }\n  }\n": typeof types.ConsoleRequestSmsCodeDocument,
    "\n  mutation ConsoleRefresh($input: RefreshTokenInput!) {\n    refreshToken(input: $input) { accessToken refreshToken errors { code message } }\n  }\n": typeof types.ConsoleRefreshDocument,
    "\n  mutation ConsoleLogout {\n    logout { sessionsEnded errors { code message } }\n  }\n": typeof types.ConsoleLogoutDocument,
    "\n  query ConsoleMe {\n    me { id displayName tier union { id name level regionCode } }\n  }\n": typeof types.ConsoleMeDocument,
    "\n  query ConsoleCockpit($unionId: ID!, $period: String!) {\n    cockpit(unionId: $unionId, period: $period) {\n      ...CockpitFigures\n      from to\n      union { id name level regionCode regionName parent { id name level } }\n      topActivities(first: 3) { activityId name kind enrolledCount }\n      children { ...CockpitFigures union { id name level regionCode regionName isHoldingPool } }\n      trend(last: 12) { ...CockpitFigures }\n    }\n  }\n  fragment CockpitFigures on Cockpit {\n    period regionCode\n    membership {\n      registeredMembers verifiedMembers activeCards applicationsPending applicationsOverdue\n      applicationsOverdueInPeriod transfersPending figuresAsOf\n    }\n    services {\n      requestsReceived requestsCompleted completedOnTime onTimeRate meanRating overdueNow escalated\n      articlesPublished articleReads\n    }\n    activities { enrolments byKind { kind activities enrolments participants } }\n    mall {\n      salesFen orderCount certifiedSalesFen povertyShare meetsPovertyLine povertyShareLine\n      voucherUsedFen voucherOrderSalesFen leverage\n    }\n    funds { year allocatedFen spentFen toChildrenFen availableFen }\n  }\n": typeof types.ConsoleCockpitDocument,
    "\n  query ConsoleRanking($unionId: ID!, $period: String!, $by: CockpitMetric!) {\n    cockpit(unionId: $unionId, period: $period) {\n      ranking(by: $by) { rank value union { id name level } }\n    }\n  }\n": typeof types.ConsoleRankingDocument,
    "\n  query ConsoleMall($unionId: ID!, $from: Date!, $to: Date!) {\n    mallReport(unionId: $unionId, from: $from, to: $to) {\n      salesFen voucherBudgetFen voucherIssuedFen voucherUsedFen\n      salesByRegionConnection(first: 20) { edges { node { regionCode regionName salesFen orderCount } } }\n      salesByUnionConnection(first: 20) {\n        edges { node { salesFen orderCount certifiedSalesFen povertyShare meetsPovertyLine union { id name } } }\n      }\n    }\n  }\n": typeof types.ConsoleMallDocument,
    "\n  query ConsoleFunds($unionId: ID!, $year: Int!) {\n    unionFundsLedger(unionId: $unionId, year: $year, first: 10) {\n      year allocatedFen spentFen toChildrenFen availableFen\n      entries { edges { node { id kind amountFen at orderId counterpartUnion { id name } } } }\n    }\n  }\n": typeof types.ConsoleFundsDocument,
    "\n  query ConsoleLeaderboard($activityId: ID!) {\n    leaderboard(activityId: $activityId, by: UNION, first: 10) { rank score union { id name } }\n  }\n": typeof types.ConsoleLeaderboardDocument,
    "\n  query ConsoleOperationMetrics($windowSeconds: Int!) {\n    operationMetrics(windowSeconds: $windowSeconds) {\n      at windowSeconds metricsEnabled\n      operations {\n        operationType operationName count ratePerSecond errors errorRate p50Ms p95Ms p99Ms\n        errorsByCode { code count }\n      }\n    }\n  }\n": typeof types.ConsoleOperationMetricsDocument,
    "\n  query ConsoleTrace($traceId: String!) {\n    trace(traceId: $traceId) {\n      traceId operationName durationMs at\n      spans { spanId parentSpanId name startOffsetMs durationMs status operation table rowCount }\n    }\n  }\n": typeof types.ConsoleTraceDocument,
    "\n  query ConsoleReadiness {\n    readiness { ready checks { name ok detail } }\n  }\n": typeof types.ConsoleReadinessDocument,
    "\n  query ConsoleSlowOperations {\n    slowOperations(first: 50) {\n      traceId operationName durationMs at\n      slowestSpans { name durationMs operation table rowCount }\n    }\n  }\n": typeof types.ConsoleSlowOperationsDocument,
    "\n  query ConsolePaymentExceptions {\n    paymentExceptions(first: 50, status: OPEN) {\n      edges { node { id kind status orderId provider providerRef amountFen reason openedAt } }\n    }\n  }\n": typeof types.ConsolePaymentExceptionsDocument,
    "\n  mutation ConsoleResolvePaymentException($input: ResolvePaymentExceptionInput!) {\n    resolvePaymentException(input: $input) {\n      exception { id status resolution resolvedAt }\n      errors { code field message }\n    }\n  }\n": typeof types.ConsoleResolvePaymentExceptionDocument,
    "\n  query ConsoleRootUnions {\n    unionsConnection(first: 20) { edges { node { id name level isHoldingPool } } }\n  }\n": typeof types.ConsoleRootUnionsDocument,
    "\n  query ConsoleRootBudget($unionId: ID!, $year: Int!) {\n    unionFundsLedger(unionId: $unionId, year: $year, first: 5) {\n      year allocatedFen spentFen toChildrenFen availableFen\n    }\n  }\n": typeof types.ConsoleRootBudgetDocument,
    "\n  query ConsoleRootFundsProposals($status: RootUnionFundsProposalStatus) {\n    rootUnionFundsProposals(status: $status, last: 50) {\n      edges { node { ...RootFundsProposalFields } }\n    }\n  }\n  fragment RootFundsProposalFields on RootUnionFundsProposal {\n    id year amountFen reason status proposedAt decidedAt note\n    union { id name }\n    proposedBy { id displayName }\n    decidedBy { id displayName }\n  }\n": typeof types.ConsoleRootFundsProposalsDocument,
    "\n  mutation ConsoleProposeRootFunds($input: ProposeRootUnionFundsInput!) {\n    proposeRootUnionFunds(input: $input) { proposal { id status } errors { code field message } }\n  }\n": typeof types.ConsoleProposeRootFundsDocument,
    "\n  mutation ConsoleApproveRootFunds($input: ApproveRootUnionFundsInput!) {\n    approveRootUnionFunds(input: $input) {\n      proposal { id status } budget { year allocatedFen } errors { code field message }\n    }\n  }\n": typeof types.ConsoleApproveRootFundsDocument,
    "\n  mutation ConsoleRejectRootFunds($input: RejectRootUnionFundsInput!) {\n    rejectRootUnionFunds(input: $input) { proposal { id status note } errors { code field message } }\n  }\n": typeof types.ConsoleRejectRootFundsDocument,
    "\n  mutation ConsoleWithdrawRootFunds($input: WithdrawRootUnionFundsInput!) {\n    withdrawRootUnionFunds(input: $input) { proposal { id status } errors { code field message } }\n  }\n": typeof types.ConsoleWithdrawRootFundsDocument,
};
const documents: Documents = {
    "\n  mutation ConsoleLogin($input: LoginInput!) {\n    login(input: $input) { accessToken refreshToken errors { code message retryAfterSeconds } }\n  }\n": types.ConsoleLoginDocument,
    "\n  mutation ConsoleLoginBySms($input: LoginBySmsInput!) {\n    loginBySms(input: $input) { accessToken refreshToken errors { code message retryAfterSeconds } }\n  }\n": types.ConsoleLoginBySmsDocument,
    "\n  mutation ConsoleRequestSmsCode($input: RequestSmsCodeInput!) {\n    requestSmsCode(input: $input) { retryAfterSeconds errors { code message } }\n  }\n": types.ConsoleRequestSmsCodeDocument,
    "\n  mutation ConsoleRefresh($input: RefreshTokenInput!) {\n    refreshToken(input: $input) { accessToken refreshToken errors { code message } }\n  }\n": types.ConsoleRefreshDocument,
    "\n  mutation ConsoleLogout {\n    logout { sessionsEnded errors { code message } }\n  }\n": types.ConsoleLogoutDocument,
    "\n  query ConsoleMe {\n    me { id displayName tier union { id name level regionCode } }\n  }\n": types.ConsoleMeDocument,
    "\n  query ConsoleCockpit($unionId: ID!, $period: String!) {\n    cockpit(unionId: $unionId, period: $period) {\n      ...CockpitFigures\n      from to\n      union { id name level regionCode regionName parent { id name level } }\n      topActivities(first: 3) { activityId name kind enrolledCount }\n      children { ...CockpitFigures union { id name level regionCode regionName isHoldingPool } }\n      trend(last: 12) { ...CockpitFigures }\n    }\n  }\n  fragment CockpitFigures on Cockpit {\n    period regionCode\n    membership {\n      registeredMembers verifiedMembers activeCards applicationsPending applicationsOverdue\n      applicationsOverdueInPeriod transfersPending figuresAsOf\n    }\n    services {\n      requestsReceived requestsCompleted completedOnTime onTimeRate meanRating overdueNow escalated\n      articlesPublished articleReads\n    }\n    activities { enrolments byKind { kind activities enrolments participants } }\n    mall {\n      salesFen orderCount certifiedSalesFen povertyShare meetsPovertyLine povertyShareLine\n      voucherUsedFen voucherOrderSalesFen leverage\n    }\n    funds { year allocatedFen spentFen toChildrenFen availableFen }\n  }\n": types.ConsoleCockpitDocument,
    "\n  query ConsoleRanking($unionId: ID!, $period: String!, $by: CockpitMetric!) {\n    cockpit(unionId: $unionId, period: $period) {\n      ranking(by: $by) { rank value union { id name level } }\n    }\n  }\n": types.ConsoleRankingDocument,
    "\n  query ConsoleMall($unionId: ID!, $from: Date!, $to: Date!) {\n    mallReport(unionId: $unionId, from: $from, to: $to) {\n      salesFen voucherBudgetFen voucherIssuedFen voucherUsedFen\n      salesByRegionConnection(first: 20) { edges { node { regionCode regionName salesFen orderCount } } }\n      salesByUnionConnection(first: 20) {\n        edges { node { salesFen orderCount certifiedSalesFen povertyShare meetsPovertyLine union { id name } } }\n      }\n    }\n  }\n": types.ConsoleMallDocument,
    "\n  query ConsoleFunds($unionId: ID!, $year: Int!) {\n    unionFundsLedger(unionId: $unionId, year: $year, first: 10) {\n      year allocatedFen spentFen toChildrenFen availableFen\n      entries { edges { node { id kind amountFen at orderId counterpartUnion { id name } } } }\n    }\n  }\n": types.ConsoleFundsDocument,
    "\n  query ConsoleLeaderboard($activityId: ID!) {\n    leaderboard(activityId: $activityId, by: UNION, first: 10) { rank score union { id name } }\n  }\n": types.ConsoleLeaderboardDocument,
    "\n  query ConsoleOperationMetrics($windowSeconds: Int!) {\n    operationMetrics(windowSeconds: $windowSeconds) {\n      at windowSeconds metricsEnabled\n      operations {\n        operationType operationName count ratePerSecond errors errorRate p50Ms p95Ms p99Ms\n        errorsByCode { code count }\n      }\n    }\n  }\n": types.ConsoleOperationMetricsDocument,
    "\n  query ConsoleTrace($traceId: String!) {\n    trace(traceId: $traceId) {\n      traceId operationName durationMs at\n      spans { spanId parentSpanId name startOffsetMs durationMs status operation table rowCount }\n    }\n  }\n": types.ConsoleTraceDocument,
    "\n  query ConsoleReadiness {\n    readiness { ready checks { name ok detail } }\n  }\n": types.ConsoleReadinessDocument,
    "\n  query ConsoleSlowOperations {\n    slowOperations(first: 50) {\n      traceId operationName durationMs at\n      slowestSpans { name durationMs operation table rowCount }\n    }\n  }\n": types.ConsoleSlowOperationsDocument,
    "\n  query ConsolePaymentExceptions {\n    paymentExceptions(first: 50, status: OPEN) {\n      edges { node { id kind status orderId provider providerRef amountFen reason openedAt } }\n    }\n  }\n": types.ConsolePaymentExceptionsDocument,
    "\n  mutation ConsoleResolvePaymentException($input: ResolvePaymentExceptionInput!) {\n    resolvePaymentException(input: $input) {\n      exception { id status resolution resolvedAt }\n      errors { code field message }\n    }\n  }\n": types.ConsoleResolvePaymentExceptionDocument,
    "\n  query ConsoleRootUnions {\n    unionsConnection(first: 20) { edges { node { id name level isHoldingPool } } }\n  }\n": types.ConsoleRootUnionsDocument,
    "\n  query ConsoleRootBudget($unionId: ID!, $year: Int!) {\n    unionFundsLedger(unionId: $unionId, year: $year, first: 5) {\n      year allocatedFen spentFen toChildrenFen availableFen\n    }\n  }\n": types.ConsoleRootBudgetDocument,
    "\n  query ConsoleRootFundsProposals($status: RootUnionFundsProposalStatus) {\n    rootUnionFundsProposals(status: $status, last: 50) {\n      edges { node { ...RootFundsProposalFields } }\n    }\n  }\n  fragment RootFundsProposalFields on RootUnionFundsProposal {\n    id year amountFen reason status proposedAt decidedAt note\n    union { id name }\n    proposedBy { id displayName }\n    decidedBy { id displayName }\n  }\n": types.ConsoleRootFundsProposalsDocument,
    "\n  mutation ConsoleProposeRootFunds($input: ProposeRootUnionFundsInput!) {\n    proposeRootUnionFunds(input: $input) { proposal { id status } errors { code field message } }\n  }\n": types.ConsoleProposeRootFundsDocument,
    "\n  mutation ConsoleApproveRootFunds($input: ApproveRootUnionFundsInput!) {\n    approveRootUnionFunds(input: $input) {\n      proposal { id status } budget { year allocatedFen } errors { code field message }\n    }\n  }\n": types.ConsoleApproveRootFundsDocument,
    "\n  mutation ConsoleRejectRootFunds($input: RejectRootUnionFundsInput!) {\n    rejectRootUnionFunds(input: $input) { proposal { id status note } errors { code field message } }\n  }\n": types.ConsoleRejectRootFundsDocument,
    "\n  mutation ConsoleWithdrawRootFunds($input: WithdrawRootUnionFundsInput!) {\n    withdrawRootUnionFunds(input: $input) { proposal { id status } errors { code field message } }\n  }\n": types.ConsoleWithdrawRootFundsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleLogin($input: LoginInput!) {\n    login(input: $input) { accessToken refreshToken errors { code message retryAfterSeconds } }\n  }\n"): (typeof documents)["\n  mutation ConsoleLogin($input: LoginInput!) {\n    login(input: $input) { accessToken refreshToken errors { code message retryAfterSeconds } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleLoginBySms($input: LoginBySmsInput!) {\n    loginBySms(input: $input) { accessToken refreshToken errors { code message retryAfterSeconds } }\n  }\n"): (typeof documents)["\n  mutation ConsoleLoginBySms($input: LoginBySmsInput!) {\n    loginBySms(input: $input) { accessToken refreshToken errors { code message retryAfterSeconds } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleRequestSmsCode($input: RequestSmsCodeInput!) {\n    requestSmsCode(input: $input) { retryAfterSeconds errors { code message } }\n  }\n"): (typeof documents)["\n  mutation ConsoleRequestSmsCode($input: RequestSmsCodeInput!) {\n    requestSmsCode(input: $input) { retryAfterSeconds errors { code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleRefresh($input: RefreshTokenInput!) {\n    refreshToken(input: $input) { accessToken refreshToken errors { code message } }\n  }\n"): (typeof documents)["\n  mutation ConsoleRefresh($input: RefreshTokenInput!) {\n    refreshToken(input: $input) { accessToken refreshToken errors { code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleLogout {\n    logout { sessionsEnded errors { code message } }\n  }\n"): (typeof documents)["\n  mutation ConsoleLogout {\n    logout { sessionsEnded errors { code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleMe {\n    me { id displayName tier union { id name level regionCode } }\n  }\n"): (typeof documents)["\n  query ConsoleMe {\n    me { id displayName tier union { id name level regionCode } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleCockpit($unionId: ID!, $period: String!) {\n    cockpit(unionId: $unionId, period: $period) {\n      ...CockpitFigures\n      from to\n      union { id name level regionCode regionName parent { id name level } }\n      topActivities(first: 3) { activityId name kind enrolledCount }\n      children { ...CockpitFigures union { id name level regionCode regionName isHoldingPool } }\n      trend(last: 12) { ...CockpitFigures }\n    }\n  }\n  fragment CockpitFigures on Cockpit {\n    period regionCode\n    membership {\n      registeredMembers verifiedMembers activeCards applicationsPending applicationsOverdue\n      applicationsOverdueInPeriod transfersPending figuresAsOf\n    }\n    services {\n      requestsReceived requestsCompleted completedOnTime onTimeRate meanRating overdueNow escalated\n      articlesPublished articleReads\n    }\n    activities { enrolments byKind { kind activities enrolments participants } }\n    mall {\n      salesFen orderCount certifiedSalesFen povertyShare meetsPovertyLine povertyShareLine\n      voucherUsedFen voucherOrderSalesFen leverage\n    }\n    funds { year allocatedFen spentFen toChildrenFen availableFen }\n  }\n"): (typeof documents)["\n  query ConsoleCockpit($unionId: ID!, $period: String!) {\n    cockpit(unionId: $unionId, period: $period) {\n      ...CockpitFigures\n      from to\n      union { id name level regionCode regionName parent { id name level } }\n      topActivities(first: 3) { activityId name kind enrolledCount }\n      children { ...CockpitFigures union { id name level regionCode regionName isHoldingPool } }\n      trend(last: 12) { ...CockpitFigures }\n    }\n  }\n  fragment CockpitFigures on Cockpit {\n    period regionCode\n    membership {\n      registeredMembers verifiedMembers activeCards applicationsPending applicationsOverdue\n      applicationsOverdueInPeriod transfersPending figuresAsOf\n    }\n    services {\n      requestsReceived requestsCompleted completedOnTime onTimeRate meanRating overdueNow escalated\n      articlesPublished articleReads\n    }\n    activities { enrolments byKind { kind activities enrolments participants } }\n    mall {\n      salesFen orderCount certifiedSalesFen povertyShare meetsPovertyLine povertyShareLine\n      voucherUsedFen voucherOrderSalesFen leverage\n    }\n    funds { year allocatedFen spentFen toChildrenFen availableFen }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleRanking($unionId: ID!, $period: String!, $by: CockpitMetric!) {\n    cockpit(unionId: $unionId, period: $period) {\n      ranking(by: $by) { rank value union { id name level } }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleRanking($unionId: ID!, $period: String!, $by: CockpitMetric!) {\n    cockpit(unionId: $unionId, period: $period) {\n      ranking(by: $by) { rank value union { id name level } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleMall($unionId: ID!, $from: Date!, $to: Date!) {\n    mallReport(unionId: $unionId, from: $from, to: $to) {\n      salesFen voucherBudgetFen voucherIssuedFen voucherUsedFen\n      salesByRegionConnection(first: 20) { edges { node { regionCode regionName salesFen orderCount } } }\n      salesByUnionConnection(first: 20) {\n        edges { node { salesFen orderCount certifiedSalesFen povertyShare meetsPovertyLine union { id name } } }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleMall($unionId: ID!, $from: Date!, $to: Date!) {\n    mallReport(unionId: $unionId, from: $from, to: $to) {\n      salesFen voucherBudgetFen voucherIssuedFen voucherUsedFen\n      salesByRegionConnection(first: 20) { edges { node { regionCode regionName salesFen orderCount } } }\n      salesByUnionConnection(first: 20) {\n        edges { node { salesFen orderCount certifiedSalesFen povertyShare meetsPovertyLine union { id name } } }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleFunds($unionId: ID!, $year: Int!) {\n    unionFundsLedger(unionId: $unionId, year: $year, first: 10) {\n      year allocatedFen spentFen toChildrenFen availableFen\n      entries { edges { node { id kind amountFen at orderId counterpartUnion { id name } } } }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleFunds($unionId: ID!, $year: Int!) {\n    unionFundsLedger(unionId: $unionId, year: $year, first: 10) {\n      year allocatedFen spentFen toChildrenFen availableFen\n      entries { edges { node { id kind amountFen at orderId counterpartUnion { id name } } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleLeaderboard($activityId: ID!) {\n    leaderboard(activityId: $activityId, by: UNION, first: 10) { rank score union { id name } }\n  }\n"): (typeof documents)["\n  query ConsoleLeaderboard($activityId: ID!) {\n    leaderboard(activityId: $activityId, by: UNION, first: 10) { rank score union { id name } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleOperationMetrics($windowSeconds: Int!) {\n    operationMetrics(windowSeconds: $windowSeconds) {\n      at windowSeconds metricsEnabled\n      operations {\n        operationType operationName count ratePerSecond errors errorRate p50Ms p95Ms p99Ms\n        errorsByCode { code count }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleOperationMetrics($windowSeconds: Int!) {\n    operationMetrics(windowSeconds: $windowSeconds) {\n      at windowSeconds metricsEnabled\n      operations {\n        operationType operationName count ratePerSecond errors errorRate p50Ms p95Ms p99Ms\n        errorsByCode { code count }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleTrace($traceId: String!) {\n    trace(traceId: $traceId) {\n      traceId operationName durationMs at\n      spans { spanId parentSpanId name startOffsetMs durationMs status operation table rowCount }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleTrace($traceId: String!) {\n    trace(traceId: $traceId) {\n      traceId operationName durationMs at\n      spans { spanId parentSpanId name startOffsetMs durationMs status operation table rowCount }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleReadiness {\n    readiness { ready checks { name ok detail } }\n  }\n"): (typeof documents)["\n  query ConsoleReadiness {\n    readiness { ready checks { name ok detail } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleSlowOperations {\n    slowOperations(first: 50) {\n      traceId operationName durationMs at\n      slowestSpans { name durationMs operation table rowCount }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleSlowOperations {\n    slowOperations(first: 50) {\n      traceId operationName durationMs at\n      slowestSpans { name durationMs operation table rowCount }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsolePaymentExceptions {\n    paymentExceptions(first: 50, status: OPEN) {\n      edges { node { id kind status orderId provider providerRef amountFen reason openedAt } }\n    }\n  }\n"): (typeof documents)["\n  query ConsolePaymentExceptions {\n    paymentExceptions(first: 50, status: OPEN) {\n      edges { node { id kind status orderId provider providerRef amountFen reason openedAt } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleResolvePaymentException($input: ResolvePaymentExceptionInput!) {\n    resolvePaymentException(input: $input) {\n      exception { id status resolution resolvedAt }\n      errors { code field message }\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleResolvePaymentException($input: ResolvePaymentExceptionInput!) {\n    resolvePaymentException(input: $input) {\n      exception { id status resolution resolvedAt }\n      errors { code field message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleRootUnions {\n    unionsConnection(first: 20) { edges { node { id name level isHoldingPool } } }\n  }\n"): (typeof documents)["\n  query ConsoleRootUnions {\n    unionsConnection(first: 20) { edges { node { id name level isHoldingPool } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleRootBudget($unionId: ID!, $year: Int!) {\n    unionFundsLedger(unionId: $unionId, year: $year, first: 5) {\n      year allocatedFen spentFen toChildrenFen availableFen\n    }\n  }\n"): (typeof documents)["\n  query ConsoleRootBudget($unionId: ID!, $year: Int!) {\n    unionFundsLedger(unionId: $unionId, year: $year, first: 5) {\n      year allocatedFen spentFen toChildrenFen availableFen\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleRootFundsProposals($status: RootUnionFundsProposalStatus) {\n    rootUnionFundsProposals(status: $status, last: 50) {\n      edges { node { ...RootFundsProposalFields } }\n    }\n  }\n  fragment RootFundsProposalFields on RootUnionFundsProposal {\n    id year amountFen reason status proposedAt decidedAt note\n    union { id name }\n    proposedBy { id displayName }\n    decidedBy { id displayName }\n  }\n"): (typeof documents)["\n  query ConsoleRootFundsProposals($status: RootUnionFundsProposalStatus) {\n    rootUnionFundsProposals(status: $status, last: 50) {\n      edges { node { ...RootFundsProposalFields } }\n    }\n  }\n  fragment RootFundsProposalFields on RootUnionFundsProposal {\n    id year amountFen reason status proposedAt decidedAt note\n    union { id name }\n    proposedBy { id displayName }\n    decidedBy { id displayName }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleProposeRootFunds($input: ProposeRootUnionFundsInput!) {\n    proposeRootUnionFunds(input: $input) { proposal { id status } errors { code field message } }\n  }\n"): (typeof documents)["\n  mutation ConsoleProposeRootFunds($input: ProposeRootUnionFundsInput!) {\n    proposeRootUnionFunds(input: $input) { proposal { id status } errors { code field message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleApproveRootFunds($input: ApproveRootUnionFundsInput!) {\n    approveRootUnionFunds(input: $input) {\n      proposal { id status } budget { year allocatedFen } errors { code field message }\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleApproveRootFunds($input: ApproveRootUnionFundsInput!) {\n    approveRootUnionFunds(input: $input) {\n      proposal { id status } budget { year allocatedFen } errors { code field message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleRejectRootFunds($input: RejectRootUnionFundsInput!) {\n    rejectRootUnionFunds(input: $input) { proposal { id status note } errors { code field message } }\n  }\n"): (typeof documents)["\n  mutation ConsoleRejectRootFunds($input: RejectRootUnionFundsInput!) {\n    rejectRootUnionFunds(input: $input) { proposal { id status note } errors { code field message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleWithdrawRootFunds($input: WithdrawRootUnionFundsInput!) {\n    withdrawRootUnionFunds(input: $input) { proposal { id status } errors { code field message } }\n  }\n"): (typeof documents)["\n  mutation ConsoleWithdrawRootFunds($input: WithdrawRootUnionFundsInput!) {\n    withdrawRootUnionFunds(input: $input) { proposal { id status } errors { code field message } }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;