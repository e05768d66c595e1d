/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type ActivityKind =
  | 'BENEFIT_DRAW'
  | 'EVENT'
  | 'QUIZ'
  | 'READING'
  | 'WALKING';

export type ActivityStatus =
  | 'ENDED'
  | 'OPEN'
  | 'UPCOMING';

export type LoginBySmsInput = {
  phone: string;
  smsCode: string;
};

export type LoginInput = {
  password: string;
  phone: string;
};

/** RETRY: ask the rail again (a new refund for REFUND_FAILED, a status query for OPEN_TOO_LONG). HANDLED_OFFLINE: settled outside UnionHub (say how in the note). */
export type PaymentExceptionAction =
  | 'HANDLED_OFFLINE'
  | 'RETRY';

/** REFUND_FAILED: the rail ended a refund failed. AMOUNT_MISMATCH: paid another amount than asked (being refunded). UNKNOWN_ORDER: money for an order we do not have. OPEN_TOO_LONG: a payment or refund without a final answer for days. */
export type PaymentExceptionKind =
  | 'AMOUNT_MISMATCH'
  | 'OPEN_TOO_LONG'
  | 'REFUND_FAILED'
  | 'UNKNOWN_ORDER';

export type PaymentExceptionStatus =
  | 'OPEN'
  | 'RESOLVED';

export type RefreshTokenInput = {
  refreshToken: string;
};

export type RequestSmsCodeInput = {
  phone: string;
  purpose: SmsPurpose;
};

export type ResolvePaymentExceptionInput = {
  action: PaymentExceptionAction;
  id: string | number;
  /** At most 500 characters; required for HANDLED_OFFLINE. Never personal data: the order id says whose it was. */
  note?: string | null | undefined;
};

export type SmsPurpose =
  | 'CHANGE_PHONE'
  | 'LOGIN'
  | 'REGISTER'
  | 'RESET_PASSWORD';

export type Tier =
  | 'ADMIN'
  | 'CADRE'
  | 'GUEST'
  | 'MEMBER'
  | 'OPERATOR'
  | 'VERIFIED';

export type UnionFundsEntryKind =
  | 'ALLOCATION'
  | 'RETURN'
  | 'SPEND';

export type UnionLevel =
  | 'CITY'
  | 'COUNTY'
  | 'GRASSROOTS'
  | 'NATIONAL'
  | 'PROVINCE';

export type ConsoleLoginMutationVariables = Exact<{
  input: LoginInput;
}>;


export type ConsoleLoginMutation = { login: { accessToken: string | null, refreshToken: string | null, errors: Array<{ code: string, message: string, retryAfterSeconds: number | null }> } };

export type ConsoleLoginBySmsMutationVariables = Exact<{
  input: LoginBySmsInput;
}>;


export type ConsoleLoginBySmsMutation = { loginBySms: { accessToken: string | null, refreshToken: string | null, errors: Array<{ code: string, message: string, retryAfterSeconds: number | null }> } };

export type ConsoleRequestSmsCodeMutationVariables = Exact<{
  input: RequestSmsCodeInput;
}>;


export type ConsoleRequestSmsCodeMutation = { requestSmsCode: { retryAfterSeconds: number | null, errors: Array<{ code: string, message: string }> } };

export type ConsoleRefreshMutationVariables = Exact<{
  input: RefreshTokenInput;
}>;


export type ConsoleRefreshMutation = { refreshToken: { accessToken: string | null, refreshToken: string | null, errors: Array<{ code: string, message: string }> } };

export type ConsoleMeQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleMeQuery = { me: { id: string, displayName: string, tier: Tier, union: { id: string, name: string, level: UnionLevel, regionCode: string } } | null };

export type ConsoleUnionQueryVariables = Exact<{
  id: string | number;
}>;


export type ConsoleUnionQuery = { union: { id: string, name: string, level: UnionLevel, regionCode: string, regionName: string | null, parent: { id: string, name: string, level: UnionLevel } | null, children: Array<{ id: string, name: string, level: UnionLevel, regionCode: string, regionName: string | null }> } | null };

export type ConsoleMembershipQueryVariables = Exact<{
  unionId: string | number;
  period: string;
}>;


export type ConsoleMembershipQuery = { unionScorecard: { period: string, registeredMembers: number, verifiedMembers: number, requestsReceived: number, requestsCompleted: number, completedOnTime: number, onTimeRate: number | null, meanRating: number | null, articlesPublished: number, articleReads: number, overdueApplications: number }, pendingApplications: Array<{ id: string }>, overduePending: Array<{ id: string }>, transfersIn: Array<{ id: string }> };

export type ConsoleRankingQueryVariables = Exact<{
  unionId: string | number;
  period: string;
}>;


export type ConsoleRankingQuery = { unionRanking: Array<{ registeredMembers: number, verifiedMembers: number, requestsReceived: number, requestsCompleted: number, completedOnTime: number, onTimeRate: number | null, meanRating: number | null, articlesPublished: number, articleReads: number, overdueApplications: number, union: { id: string, name: string, level: UnionLevel, regionCode: string, regionName: string | null } }> };

export type ConsoleMallQueryVariables = Exact<{
  unionId: string | number;
  from: string;
  to: string;
}>;


export type ConsoleMallQuery = { mallReport: { salesFen: number, orderCount: number, voucherBudgetFen: number, voucherIssuedFen: number, voucherUsedFen: number, voucherOrderSalesFen: number, leverage: number | null, povertyShareLine: number, salesByRegion: Array<{ regionCode: string, regionName: string, salesFen: number, orderCount: number }>, salesByUnion: Array<{ salesFen: number, orderCount: number, certifiedSalesFen: number, povertyShare: number | null, meetsPovertyLine: boolean, union: { id: string, name: string } }> } };

export type ConsoleFundsQueryVariables = Exact<{
  unionId: string | number;
  year: number;
}>;


export type ConsoleFundsQuery = { unionFundsLedger: { year: number, allocatedFen: number, spentFen: number, availableFen: number, entries: { edges: Array<{ node: { id: string, kind: UnionFundsEntryKind, amountFen: number, at: string, orderId: string | null } }> } } };

export type ConsoleActivitiesQueryVariables = Exact<{
  unionId: string | number;
}>;


export type ConsoleActivitiesQuery = { activities: { edges: Array<{ node: { id: string, name: string, kind: ActivityKind, status: ActivityStatus, enrolledCount: number, capacity: number | null, startsAt: string } }> } };

export type ConsoleTrendQueryVariables = Exact<{
  id: string | number;
  p0: string;
  p1: string;
  p2: string;
  p3: string;
  p4: string;
  p5: string;
}>;


export type ConsoleTrendQuery = { union: { id: string, m0: { period: string, registeredMembers: number, verifiedMembers: number, requestsReceived: number, requestsCompleted: number, articleReads: number } | null, m1: { period: string, registeredMembers: number, verifiedMembers: number, requestsReceived: number, requestsCompleted: number, articleReads: number } | null, m2: { period: string, registeredMembers: number, verifiedMembers: number, requestsReceived: number, requestsCompleted: number, articleReads: number } | null, m3: { period: string, registeredMembers: number, verifiedMembers: number, requestsReceived: number, requestsCompleted: number, articleReads: number } | null, m4: { period: string, registeredMembers: number, verifiedMembers: number, requestsReceived: number, requestsCompleted: number, articleReads: number } | null, m5: { period: string, registeredMembers: number, verifiedMembers: number, requestsReceived: number, requestsCompleted: number, articleReads: number } | null } | null };

export type TrendPointFragment = { period: string, registeredMembers: number, verifiedMembers: number, requestsReceived: number, requestsCompleted: number, articleReads: number };

export type ConsoleLeaderboardQueryVariables = Exact<{
  activityId: string | number;
}>;


export type ConsoleLeaderboardQuery = { leaderboard: Array<{ rank: number, score: number, union: { id: string, name: string } | null }> };

export type ConsoleSlowOperationsQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleSlowOperationsQuery = { slowOperations: Array<{ traceId: string, operationName: string, durationMs: number, at: string, slowestSpans: Array<{ name: string, durationMs: number, operation: string | null, table: string | null, rowCount: number | null }> }> };

export type ConsolePaymentExceptionsQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsolePaymentExceptionsQuery = { paymentExceptions: { edges: Array<{ node: { id: string, kind: PaymentExceptionKind, status: PaymentExceptionStatus, orderId: string | null, provider: string, providerRef: string | null, amountFen: number | null, reason: string, openedAt: string } }> } };

export type ConsoleResolvePaymentExceptionMutationVariables = Exact<{
  input: ResolvePaymentExceptionInput;
}>;


export type ConsoleResolvePaymentExceptionMutation = { resolvePaymentException: { exception: { id: string, status: PaymentExceptionStatus, resolution: PaymentExceptionAction | null, resolvedAt: string | null } | null, errors: Array<{ code: string, field: string | null, message: string }> } };

export const TrendPointFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"TrendPoint"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Scorecard"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"period"}},{"kind":"Field","name":{"kind":"Name","value":"registeredMembers"}},{"kind":"Field","name":{"kind":"Name","value":"verifiedMembers"}},{"kind":"Field","name":{"kind":"Name","value":"requestsReceived"}},{"kind":"Field","name":{"kind":"Name","value":"requestsCompleted"}},{"kind":"Field","name":{"kind":"Name","value":"articleReads"}}]}}]} as unknown as DocumentNode<TrendPointFragment, unknown>;
export const ConsoleLoginDocument = {"__meta__":{"hash":"sha256:6c9d88695ac2aa6fcfc2586ac5664bea972d99420dfe1b48e26972b067cb630a"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleLogin"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"LoginInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"login"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accessToken"}},{"kind":"Field","name":{"kind":"Name","value":"refreshToken"}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"retryAfterSeconds"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleLoginMutation, ConsoleLoginMutationVariables>;
export const ConsoleLoginBySmsDocument = {"__meta__":{"hash":"sha256:520f9cd5b150624ea6ebfcd34faa2910a4425cfd0bc4d75c6913d239a87a06ac"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleLoginBySms"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"LoginBySmsInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"loginBySms"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accessToken"}},{"kind":"Field","name":{"kind":"Name","value":"refreshToken"}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"retryAfterSeconds"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleLoginBySmsMutation, ConsoleLoginBySmsMutationVariables>;
export const ConsoleRequestSmsCodeDocument = {"__meta__":{"hash":"sha256:791fa72968d33ff81509ac84bb22cfb7914fde37088fd3db603deaa4e4288b4d"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleRequestSmsCode"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RequestSmsCodeInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"requestSmsCode"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"retryAfterSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleRequestSmsCodeMutation, ConsoleRequestSmsCodeMutationVariables>;
export const ConsoleRefreshDocument = {"__meta__":{"hash":"sha256:fa27a4c3a3a266e7b5b2f09553990df7076c141e891acc0066fee0be22f95ab9"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleRefresh"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RefreshTokenInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"refreshToken"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accessToken"}},{"kind":"Field","name":{"kind":"Name","value":"refreshToken"}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleRefreshMutation, ConsoleRefreshMutationVariables>;
export const ConsoleMeDocument = {"__meta__":{"hash":"sha256:d41c2cd43896e774ad0a4ff9754e3025b9e0469246858912421610f3cae05d5e"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleMe"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"tier"}},{"kind":"Field","name":{"kind":"Name","value":"union"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"level"}},{"kind":"Field","name":{"kind":"Name","value":"regionCode"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleMeQuery, ConsoleMeQueryVariables>;
export const ConsoleUnionDocument = {"__meta__":{"hash":"sha256:b450350d414acffcdceaae45853b10b1b592629a548bc3e142dee28503b6b01c"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleUnion"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"union"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"level"}},{"kind":"Field","name":{"kind":"Name","value":"regionCode"}},{"kind":"Field","name":{"kind":"Name","value":"regionName"}},{"kind":"Field","name":{"kind":"Name","value":"parent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"level"}}]}},{"kind":"Field","name":{"kind":"Name","value":"children"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"level"}},{"kind":"Field","name":{"kind":"Name","value":"regionCode"}},{"kind":"Field","name":{"kind":"Name","value":"regionName"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleUnionQuery, ConsoleUnionQueryVariables>;
export const ConsoleMembershipDocument = {"__meta__":{"hash":"sha256:412265a836ce19a4e12e5b42c62727778e8e06104f9302334f69dc86a25dfa9a"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleMembership"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"unionId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"period"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"unionScorecard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"unionId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"unionId"}}},{"kind":"Argument","name":{"kind":"Name","value":"period"},"value":{"kind":"Variable","name":{"kind":"Name","value":"period"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"period"}},{"kind":"Field","name":{"kind":"Name","value":"registeredMembers"}},{"kind":"Field","name":{"kind":"Name","value":"verifiedMembers"}},{"kind":"Field","name":{"kind":"Name","value":"requestsReceived"}},{"kind":"Field","name":{"kind":"Name","value":"requestsCompleted"}},{"kind":"Field","name":{"kind":"Name","value":"completedOnTime"}},{"kind":"Field","name":{"kind":"Name","value":"onTimeRate"}},{"kind":"Field","name":{"kind":"Name","value":"meanRating"}},{"kind":"Field","name":{"kind":"Name","value":"articlesPublished"}},{"kind":"Field","name":{"kind":"Name","value":"articleReads"}},{"kind":"Field","name":{"kind":"Name","value":"overdueApplications"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"pendingApplications"},"name":{"kind":"Name","value":"joinApplications"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"unionId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"unionId"}}},{"kind":"Argument","name":{"kind":"Name","value":"status"},"value":{"kind":"EnumValue","value":"PENDING"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"overduePending"},"name":{"kind":"Name","value":"joinApplications"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"unionId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"unionId"}}},{"kind":"Argument","name":{"kind":"Name","value":"status"},"value":{"kind":"EnumValue","value":"PENDING"}},{"kind":"Argument","name":{"kind":"Name","value":"overdue"},"value":{"kind":"BooleanValue","value":true}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"transfersIn"},"name":{"kind":"Name","value":"transfers"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"unionId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"unionId"}}},{"kind":"Argument","name":{"kind":"Name","value":"status"},"value":{"kind":"EnumValue","value":"PENDING"}},{"kind":"Argument","name":{"kind":"Name","value":"direction"},"value":{"kind":"EnumValue","value":"IN"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<ConsoleMembershipQuery, ConsoleMembershipQueryVariables>;
export const ConsoleRankingDocument = {"__meta__":{"hash":"sha256:1f68bd9566df113d6d20b68db6482b51e82e87e5eaab9b520ec845ed568fcedd"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleRanking"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"unionId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"period"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"unionRanking"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"parentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"unionId"}}},{"kind":"Argument","name":{"kind":"Name","value":"period"},"value":{"kind":"Variable","name":{"kind":"Name","value":"period"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"registeredMembers"}},{"kind":"Field","name":{"kind":"Name","value":"verifiedMembers"}},{"kind":"Field","name":{"kind":"Name","value":"requestsReceived"}},{"kind":"Field","name":{"kind":"Name","value":"requestsCompleted"}},{"kind":"Field","name":{"kind":"Name","value":"completedOnTime"}},{"kind":"Field","name":{"kind":"Name","value":"onTimeRate"}},{"kind":"Field","name":{"kind":"Name","value":"meanRating"}},{"kind":"Field","name":{"kind":"Name","value":"articlesPublished"}},{"kind":"Field","name":{"kind":"Name","value":"articleReads"}},{"kind":"Field","name":{"kind":"Name","value":"overdueApplications"}},{"kind":"Field","name":{"kind":"Name","value":"union"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"level"}},{"kind":"Field","name":{"kind":"Name","value":"regionCode"}},{"kind":"Field","name":{"kind":"Name","value":"regionName"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleRankingQuery, ConsoleRankingQueryVariables>;
export const ConsoleMallDocument = {"__meta__":{"hash":"sha256:de46573dd2b05e85152bcd8345f311f9423818cd424805bf6165fbff7683958d"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleMall"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"unionId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"from"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"to"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"mallReport"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"unionId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"unionId"}}},{"kind":"Argument","name":{"kind":"Name","value":"from"},"value":{"kind":"Variable","name":{"kind":"Name","value":"from"}}},{"kind":"Argument","name":{"kind":"Name","value":"to"},"value":{"kind":"Variable","name":{"kind":"Name","value":"to"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"salesFen"}},{"kind":"Field","name":{"kind":"Name","value":"orderCount"}},{"kind":"Field","name":{"kind":"Name","value":"voucherBudgetFen"}},{"kind":"Field","name":{"kind":"Name","value":"voucherIssuedFen"}},{"kind":"Field","name":{"kind":"Name","value":"voucherUsedFen"}},{"kind":"Field","name":{"kind":"Name","value":"voucherOrderSalesFen"}},{"kind":"Field","name":{"kind":"Name","value":"leverage"}},{"kind":"Field","name":{"kind":"Name","value":"povertyShareLine"}},{"kind":"Field","name":{"kind":"Name","value":"salesByRegion"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"regionCode"}},{"kind":"Field","name":{"kind":"Name","value":"regionName"}},{"kind":"Field","name":{"kind":"Name","value":"salesFen"}},{"kind":"Field","name":{"kind":"Name","value":"orderCount"}}]}},{"kind":"Field","name":{"kind":"Name","value":"salesByUnion"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"salesFen"}},{"kind":"Field","name":{"kind":"Name","value":"orderCount"}},{"kind":"Field","name":{"kind":"Name","value":"certifiedSalesFen"}},{"kind":"Field","name":{"kind":"Name","value":"povertyShare"}},{"kind":"Field","name":{"kind":"Name","value":"meetsPovertyLine"}},{"kind":"Field","name":{"kind":"Name","value":"union"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleMallQuery, ConsoleMallQueryVariables>;
export const ConsoleFundsDocument = {"__meta__":{"hash":"sha256:1bec4af259ed851ca88c5cdafbc247177aacb40102229ce3d677a22b4d465f49"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleFunds"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"unionId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"year"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"unionFundsLedger"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"unionId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"unionId"}}},{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"10"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"year"}},{"kind":"Field","name":{"kind":"Name","value":"allocatedFen"}},{"kind":"Field","name":{"kind":"Name","value":"spentFen"}},{"kind":"Field","name":{"kind":"Name","value":"availableFen"}},{"kind":"Field","name":{"kind":"Name","value":"entries"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"amountFen"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"orderId"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleFundsQuery, ConsoleFundsQueryVariables>;
export const ConsoleActivitiesDocument = {"__meta__":{"hash":"sha256:ed3c04e43970f65188df89d81922b1bf96dde96cbf930fdbe157cb472d6a8fb3"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleActivities"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"unionId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"activities"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"unionId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"unionId"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"10"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"enrolledCount"}},{"kind":"Field","name":{"kind":"Name","value":"capacity"}},{"kind":"Field","name":{"kind":"Name","value":"startsAt"}}]}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleActivitiesQuery, ConsoleActivitiesQueryVariables>;
export const ConsoleTrendDocument = {"__meta__":{"hash":"sha256:63f96019c70fd5880be303e442d1f1a286820ac44ae999306e208e750f83793f"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleTrend"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"p0"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"p1"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"p2"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"p3"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"p4"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"p5"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"union"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","alias":{"kind":"Name","value":"m0"},"name":{"kind":"Name","value":"scorecard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"period"},"value":{"kind":"Variable","name":{"kind":"Name","value":"p0"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"TrendPoint"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"m1"},"name":{"kind":"Name","value":"scorecard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"period"},"value":{"kind":"Variable","name":{"kind":"Name","value":"p1"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"TrendPoint"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"m2"},"name":{"kind":"Name","value":"scorecard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"period"},"value":{"kind":"Variable","name":{"kind":"Name","value":"p2"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"TrendPoint"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"m3"},"name":{"kind":"Name","value":"scorecard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"period"},"value":{"kind":"Variable","name":{"kind":"Name","value":"p3"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"TrendPoint"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"m4"},"name":{"kind":"Name","value":"scorecard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"period"},"value":{"kind":"Variable","name":{"kind":"Name","value":"p4"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"TrendPoint"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"m5"},"name":{"kind":"Name","value":"scorecard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"period"},"value":{"kind":"Variable","name":{"kind":"Name","value":"p5"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"TrendPoint"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"TrendPoint"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Scorecard"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"period"}},{"kind":"Field","name":{"kind":"Name","value":"registeredMembers"}},{"kind":"Field","name":{"kind":"Name","value":"verifiedMembers"}},{"kind":"Field","name":{"kind":"Name","value":"requestsReceived"}},{"kind":"Field","name":{"kind":"Name","value":"requestsCompleted"}},{"kind":"Field","name":{"kind":"Name","value":"articleReads"}}]}}]} as unknown as DocumentNode<ConsoleTrendQuery, ConsoleTrendQueryVariables>;
export const ConsoleLeaderboardDocument = {"__meta__":{"hash":"sha256:620162c71a5b7b5dfc121d032b60fb2c6766d5a7198cda5b85141b328947706d"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleLeaderboard"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"activityId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"leaderboard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"activityId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"activityId"}}},{"kind":"Argument","name":{"kind":"Name","value":"by"},"value":{"kind":"EnumValue","value":"UNION"}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"10"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rank"}},{"kind":"Field","name":{"kind":"Name","value":"score"}},{"kind":"Field","name":{"kind":"Name","value":"union"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleLeaderboardQuery, ConsoleLeaderboardQueryVariables>;
export const ConsoleSlowOperationsDocument = {"__meta__":{"hash":"sha256:9832cec4c096828419acb31e5d747f828f809dff7994528a41e3e45c0f4e8f18"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleSlowOperations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"slowOperations"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"50"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"traceId"}},{"kind":"Field","name":{"kind":"Name","value":"operationName"}},{"kind":"Field","name":{"kind":"Name","value":"durationMs"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"slowestSpans"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"durationMs"}},{"kind":"Field","name":{"kind":"Name","value":"operation"}},{"kind":"Field","name":{"kind":"Name","value":"table"}},{"kind":"Field","name":{"kind":"Name","value":"rowCount"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleSlowOperationsQuery, ConsoleSlowOperationsQueryVariables>;
export const ConsolePaymentExceptionsDocument = {"__meta__":{"hash":"sha256:bcb57d8a2d2eef796064682e0e713fc0c21806045ae92363160357574f1b396a"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsolePaymentExceptions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"paymentExceptions"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"50"}},{"kind":"Argument","name":{"kind":"Name","value":"status"},"value":{"kind":"EnumValue","value":"OPEN"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"orderId"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"providerRef"}},{"kind":"Field","name":{"kind":"Name","value":"amountFen"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"openedAt"}}]}}]}}]}}]}}]} as unknown as DocumentNode<ConsolePaymentExceptionsQuery, ConsolePaymentExceptionsQueryVariables>;
export const ConsoleResolvePaymentExceptionDocument = {"__meta__":{"hash":"sha256:0904a1d3b074abefbb3fdcb15fb2e05e9057616d10b5a179618fc8d264edaf83"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleResolvePaymentException"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ResolvePaymentExceptionInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"resolvePaymentException"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"exception"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"resolution"}},{"kind":"Field","name":{"kind":"Name","value":"resolvedAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleResolvePaymentExceptionMutation, ConsoleResolvePaymentExceptionMutationVariables>;