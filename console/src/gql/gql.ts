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
    "\n  query ConsoleMe {\n    me { id displayName tier union { id name level regionCode } }\n  }\n": typeof types.ConsoleMeDocument,
    "\n  query ConsoleUnion($id: ID!) {\n    union(id: $id) {\n      id name level regionCode regionName\n      parent { id name level }\n      children { id name level regionCode regionName }\n    }\n  }\n": typeof types.ConsoleUnionDocument,
    "\n  query ConsoleMembership($unionId: ID!, $period: String!) {\n    unionScorecard(unionId: $unionId, period: $period) {\n      period registeredMembers verifiedMembers requestsReceived requestsCompleted\n      completedOnTime onTimeRate meanRating articlesPublished articleReads overdueApplications\n    }\n    pendingApplications: joinApplications(unionId: $unionId, status: PENDING) { id }\n    overduePending: joinApplications(unionId: $unionId, status: PENDING, overdue: true) { id }\n    transfersIn: transfers(unionId: $unionId, status: PENDING, direction: IN) { id }\n  }\n": typeof types.ConsoleMembershipDocument,
    "\n  query ConsoleRanking($unionId: ID!, $period: String!) {\n    unionRanking(parentId: $unionId, period: $period) {\n      registeredMembers verifiedMembers requestsReceived requestsCompleted completedOnTime\n      onTimeRate meanRating articlesPublished articleReads overdueApplications\n      union { id name level regionCode regionName }\n    }\n  }\n": typeof types.ConsoleRankingDocument,
    "\n  query ConsoleMall($unionId: ID!, $from: Date!, $to: Date!) {\n    mallReport(unionId: $unionId, from: $from, to: $to) {\n      salesFen orderCount voucherBudgetFen voucherIssuedFen voucherUsedFen voucherOrderSalesFen\n      leverage povertyShareLine\n      salesByRegion { regionCode regionName salesFen orderCount }\n      salesByUnion { salesFen orderCount certifiedSalesFen povertyShare meetsPovertyLine union { id name } }\n    }\n  }\n": typeof types.ConsoleMallDocument,
    "\n  query ConsoleFunds($unionId: ID!, $year: Int!) {\n    unionFundsLedger(unionId: $unionId, year: $year, first: 10) {\n      year allocatedFen spentFen availableFen\n      entries { edges { node { id kind amountFen at orderId } } }\n    }\n  }\n": typeof types.ConsoleFundsDocument,
    "\n  query ConsoleActivities($unionId: ID!) {\n    activities(unionId: $unionId, first: 10) {\n      edges { node { id name kind status enrolledCount capacity startsAt } }\n    }\n  }\n": typeof types.ConsoleActivitiesDocument,
    "\n  query ConsoleTrend($id: ID!, $p0: String!, $p1: String!, $p2: String!, $p3: String!, $p4: String!, $p5: String!) {\n    union(id: $id) {\n      id\n      m0: scorecard(period: $p0) { ...TrendPoint }\n      m1: scorecard(period: $p1) { ...TrendPoint }\n      m2: scorecard(period: $p2) { ...TrendPoint }\n      m3: scorecard(period: $p3) { ...TrendPoint }\n      m4: scorecard(period: $p4) { ...TrendPoint }\n      m5: scorecard(period: $p5) { ...TrendPoint }\n    }\n  }\n  fragment TrendPoint on Scorecard {\n    period registeredMembers verifiedMembers requestsReceived requestsCompleted articleReads\n  }\n": typeof types.ConsoleTrendDocument,
    "\n  query ConsoleLeaderboard($activityId: ID!) {\n    leaderboard(activityId: $activityId, by: UNION, first: 10) { rank score union { id name } }\n  }\n": typeof types.ConsoleLeaderboardDocument,
    "\n  query ConsoleSlowOperations {\n    slowOperations(first: 50) {\n      traceId operationName durationMs at\n      slowestSpans { name durationMs operation table rowCount }\n    }\n  }\n": typeof types.ConsoleSlowOperationsDocument,
    "\n  query ConsolePaymentExceptions {\n    paymentExceptions(first: 50, status: OPEN) {\n      edges { node { id kind status orderId provider providerRef amountFen reason openedAt } }\n    }\n  }\n": typeof types.ConsolePaymentExceptionsDocument,
    "\n  mutation ConsoleResolvePaymentException($input: ResolvePaymentExceptionInput!) {\n    resolvePaymentException(input: $input) {\n      exception { id status resolution resolvedAt }\n      errors { code field message }\n    }\n  }\n": typeof types.ConsoleResolvePaymentExceptionDocument,
};
const documents: Documents = {
    "\n  mutation ConsoleLogin($input: LoginInput!) {\n    login(input: $input) { accessToken refreshToken errors { code message retryAfterSeconds } }\n  }\n": types.ConsoleLoginDocument,
    "\n  mutation ConsoleLoginBySms($input: LoginBySmsInput!) {\n    loginBySms(input: $input) { accessToken refreshToken errors { code message retryAfterSeconds } }\n  }\n": types.ConsoleLoginBySmsDocument,
    "\n  mutation ConsoleRequestSmsCode($input: RequestSmsCodeInput!) {\n    requestSmsCode(input: $input) { retryAfterSeconds errors { code message } }\n  }\n": types.ConsoleRequestSmsCodeDocument,
    "\n  mutation ConsoleRefresh($input: RefreshTokenInput!) {\n    refreshToken(input: $input) { accessToken refreshToken errors { code message } }\n  }\n": types.ConsoleRefreshDocument,
    "\n  query ConsoleMe {\n    me { id displayName tier union { id name level regionCode } }\n  }\n": types.ConsoleMeDocument,
    "\n  query ConsoleUnion($id: ID!) {\n    union(id: $id) {\n      id name level regionCode regionName\n      parent { id name level }\n      children { id name level regionCode regionName }\n    }\n  }\n": types.ConsoleUnionDocument,
    "\n  query ConsoleMembership($unionId: ID!, $period: String!) {\n    unionScorecard(unionId: $unionId, period: $period) {\n      period registeredMembers verifiedMembers requestsReceived requestsCompleted\n      completedOnTime onTimeRate meanRating articlesPublished articleReads overdueApplications\n    }\n    pendingApplications: joinApplications(unionId: $unionId, status: PENDING) { id }\n    overduePending: joinApplications(unionId: $unionId, status: PENDING, overdue: true) { id }\n    transfersIn: transfers(unionId: $unionId, status: PENDING, direction: IN) { id }\n  }\n": types.ConsoleMembershipDocument,
    "\n  query ConsoleRanking($unionId: ID!, $period: String!) {\n    unionRanking(parentId: $unionId, period: $period) {\n      registeredMembers verifiedMembers requestsReceived requestsCompleted completedOnTime\n      onTimeRate meanRating articlesPublished articleReads overdueApplications\n      union { id name level regionCode regionName }\n    }\n  }\n": types.ConsoleRankingDocument,
    "\n  query ConsoleMall($unionId: ID!, $from: Date!, $to: Date!) {\n    mallReport(unionId: $unionId, from: $from, to: $to) {\n      salesFen orderCount voucherBudgetFen voucherIssuedFen voucherUsedFen voucherOrderSalesFen\n      leverage povertyShareLine\n      salesByRegion { regionCode regionName salesFen orderCount }\n      salesByUnion { salesFen orderCount certifiedSalesFen povertyShare meetsPovertyLine union { id name } }\n    }\n  }\n": types.ConsoleMallDocument,
    "\n  query ConsoleFunds($unionId: ID!, $year: Int!) {\n    unionFundsLedger(unionId: $unionId, year: $year, first: 10) {\n      year allocatedFen spentFen availableFen\n      entries { edges { node { id kind amountFen at orderId } } }\n    }\n  }\n": types.ConsoleFundsDocument,
    "\n  query ConsoleActivities($unionId: ID!) {\n    activities(unionId: $unionId, first: 10) {\n      edges { node { id name kind status enrolledCount capacity startsAt } }\n    }\n  }\n": types.ConsoleActivitiesDocument,
    "\n  query ConsoleTrend($id: ID!, $p0: String!, $p1: String!, $p2: String!, $p3: String!, $p4: String!, $p5: String!) {\n    union(id: $id) {\n      id\n      m0: scorecard(period: $p0) { ...TrendPoint }\n      m1: scorecard(period: $p1) { ...TrendPoint }\n      m2: scorecard(period: $p2) { ...TrendPoint }\n      m3: scorecard(period: $p3) { ...TrendPoint }\n      m4: scorecard(period: $p4) { ...TrendPoint }\n      m5: scorecard(period: $p5) { ...TrendPoint }\n    }\n  }\n  fragment TrendPoint on Scorecard {\n    period registeredMembers verifiedMembers requestsReceived requestsCompleted articleReads\n  }\n": types.ConsoleTrendDocument,
    "\n  query ConsoleLeaderboard($activityId: ID!) {\n    leaderboard(activityId: $activityId, by: UNION, first: 10) { rank score union { id name } }\n  }\n": types.ConsoleLeaderboardDocument,
    "\n  query ConsoleSlowOperations {\n    slowOperations(first: 50) {\n      traceId operationName durationMs at\n      slowestSpans { name durationMs operation table rowCount }\n    }\n  }\n": types.ConsoleSlowOperationsDocument,
    "\n  query ConsolePaymentExceptions {\n    paymentExceptions(first: 50, status: OPEN) {\n      edges { node { id kind status orderId provider providerRef amountFen reason openedAt } }\n    }\n  }\n": types.ConsolePaymentExceptionsDocument,
    "\n  mutation ConsoleResolvePaymentException($input: ResolvePaymentExceptionInput!) {\n    resolvePaymentException(input: $input) {\n      exception { id status resolution resolvedAt }\n      errors { code field message }\n    }\n  }\n": types.ConsoleResolvePaymentExceptionDocument,
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
export function graphql(source: "\n  query ConsoleMe {\n    me { id displayName tier union { id name level regionCode } }\n  }\n"): (typeof documents)["\n  query ConsoleMe {\n    me { id displayName tier union { id name level regionCode } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleUnion($id: ID!) {\n    union(id: $id) {\n      id name level regionCode regionName\n      parent { id name level }\n      children { id name level regionCode regionName }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleUnion($id: ID!) {\n    union(id: $id) {\n      id name level regionCode regionName\n      parent { id name level }\n      children { id name level regionCode regionName }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleMembership($unionId: ID!, $period: String!) {\n    unionScorecard(unionId: $unionId, period: $period) {\n      period registeredMembers verifiedMembers requestsReceived requestsCompleted\n      completedOnTime onTimeRate meanRating articlesPublished articleReads overdueApplications\n    }\n    pendingApplications: joinApplications(unionId: $unionId, status: PENDING) { id }\n    overduePending: joinApplications(unionId: $unionId, status: PENDING, overdue: true) { id }\n    transfersIn: transfers(unionId: $unionId, status: PENDING, direction: IN) { id }\n  }\n"): (typeof documents)["\n  query ConsoleMembership($unionId: ID!, $period: String!) {\n    unionScorecard(unionId: $unionId, period: $period) {\n      period registeredMembers verifiedMembers requestsReceived requestsCompleted\n      completedOnTime onTimeRate meanRating articlesPublished articleReads overdueApplications\n    }\n    pendingApplications: joinApplications(unionId: $unionId, status: PENDING) { id }\n    overduePending: joinApplications(unionId: $unionId, status: PENDING, overdue: true) { id }\n    transfersIn: transfers(unionId: $unionId, status: PENDING, direction: IN) { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleRanking($unionId: ID!, $period: String!) {\n    unionRanking(parentId: $unionId, period: $period) {\n      registeredMembers verifiedMembers requestsReceived requestsCompleted completedOnTime\n      onTimeRate meanRating articlesPublished articleReads overdueApplications\n      union { id name level regionCode regionName }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleRanking($unionId: ID!, $period: String!) {\n    unionRanking(parentId: $unionId, period: $period) {\n      registeredMembers verifiedMembers requestsReceived requestsCompleted completedOnTime\n      onTimeRate meanRating articlesPublished articleReads overdueApplications\n      union { id name level regionCode regionName }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleMall($unionId: ID!, $from: Date!, $to: Date!) {\n    mallReport(unionId: $unionId, from: $from, to: $to) {\n      salesFen orderCount voucherBudgetFen voucherIssuedFen voucherUsedFen voucherOrderSalesFen\n      leverage povertyShareLine\n      salesByRegion { regionCode regionName salesFen orderCount }\n      salesByUnion { salesFen orderCount certifiedSalesFen povertyShare meetsPovertyLine union { id name } }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleMall($unionId: ID!, $from: Date!, $to: Date!) {\n    mallReport(unionId: $unionId, from: $from, to: $to) {\n      salesFen orderCount voucherBudgetFen voucherIssuedFen voucherUsedFen voucherOrderSalesFen\n      leverage povertyShareLine\n      salesByRegion { regionCode regionName salesFen orderCount }\n      salesByUnion { salesFen orderCount certifiedSalesFen povertyShare meetsPovertyLine union { id name } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleFunds($unionId: ID!, $year: Int!) {\n    unionFundsLedger(unionId: $unionId, year: $year, first: 10) {\n      year allocatedFen spentFen availableFen\n      entries { edges { node { id kind amountFen at orderId } } }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleFunds($unionId: ID!, $year: Int!) {\n    unionFundsLedger(unionId: $unionId, year: $year, first: 10) {\n      year allocatedFen spentFen availableFen\n      entries { edges { node { id kind amountFen at orderId } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleActivities($unionId: ID!) {\n    activities(unionId: $unionId, first: 10) {\n      edges { node { id name kind status enrolledCount capacity startsAt } }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleActivities($unionId: ID!) {\n    activities(unionId: $unionId, first: 10) {\n      edges { node { id name kind status enrolledCount capacity startsAt } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleTrend($id: ID!, $p0: String!, $p1: String!, $p2: String!, $p3: String!, $p4: String!, $p5: String!) {\n    union(id: $id) {\n      id\n      m0: scorecard(period: $p0) { ...TrendPoint }\n      m1: scorecard(period: $p1) { ...TrendPoint }\n      m2: scorecard(period: $p2) { ...TrendPoint }\n      m3: scorecard(period: $p3) { ...TrendPoint }\n      m4: scorecard(period: $p4) { ...TrendPoint }\n      m5: scorecard(period: $p5) { ...TrendPoint }\n    }\n  }\n  fragment TrendPoint on Scorecard {\n    period registeredMembers verifiedMembers requestsReceived requestsCompleted articleReads\n  }\n"): (typeof documents)["\n  query ConsoleTrend($id: ID!, $p0: String!, $p1: String!, $p2: String!, $p3: String!, $p4: String!, $p5: String!) {\n    union(id: $id) {\n      id\n      m0: scorecard(period: $p0) { ...TrendPoint }\n      m1: scorecard(period: $p1) { ...TrendPoint }\n      m2: scorecard(period: $p2) { ...TrendPoint }\n      m3: scorecard(period: $p3) { ...TrendPoint }\n      m4: scorecard(period: $p4) { ...TrendPoint }\n      m5: scorecard(period: $p5) { ...TrendPoint }\n    }\n  }\n  fragment TrendPoint on Scorecard {\n    period registeredMembers verifiedMembers requestsReceived requestsCompleted articleReads\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleLeaderboard($activityId: ID!) {\n    leaderboard(activityId: $activityId, by: UNION, first: 10) { rank score union { id name } }\n  }\n"): (typeof documents)["\n  query ConsoleLeaderboard($activityId: ID!) {\n    leaderboard(activityId: $activityId, by: UNION, first: 10) { rank score union { id name } }\n  }\n"];
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

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;