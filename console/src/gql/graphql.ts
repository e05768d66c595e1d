/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** What members do in an activity. */
export type ActivityKind =
  /** A verifiable draw among the enrolled (commitment, then seed). */
  | 'BENEFIT_DRAW'
  /** An event members enrol in. */
  | 'EVENT'
  /** A timed quiz scored on the server; the best daily attempt ranks. */
  | 'QUIZ'
  /** Reading: minutes a day, capped, with streaks. */
  | 'READING'
  /** A walking challenge: daily steps, capped, ranked. */
  | 'WALKING';

/** The proposal to approve. */
export type ApproveRootUnionFundsInput = {
  /** A PENDING proposal made by another admin. */
  proposalId: string | number;
};

/** What Tencent Cloud Captcha's widget (TCaptcha) hands back once the person has solved it. The sandbox passes the ticket `sandbox-pass` with any randstr; production never uses the sandbox. */
export type CaptchaInput = {
  /** The widget's random string (at most 128 characters). */
  randstr: string;
  /** The widget's ticket (at most 4096 characters); valid 5 minutes, once. */
  ticket: string;
};

/** What unionRanking-style rankings of the children can sort on. */
export type CockpitMetric =
  /** Articles published in the period and not withdrawn (services.articlesPublished). */
  | 'ARTICLES_PUBLISHED'
  /** Reads in the period of the child's articles (services.articleReads). */
  | 'ARTICLE_READS'
  /** Enrolments in the period, all kinds (activities.enrolments). */
  | 'ENROLMENTS'
  /** Mean rating 1–5 (services.meanRating); null ranks last. */
  | 'MEAN_RATING'
  /** Completed on time ÷ completed (services.onTimeRate); null ranks last. */
  | 'ON_TIME_RATE'
  /** Certified goods' share of sales (mall.povertyShare); null ranks last. */
  | 'POVERTY_SHARE'
  /** Of those, completed since (services.requestsCompleted). */
  | 'REQUESTS_COMPLETED'
  /** Service requests submitted in the period (services.requestsReceived). */
  | 'REQUESTS_RECEIVED'
  /** Mall sales (mall.salesFen); the value is in fen (分, 1/100 yuan). */
  | 'SALES'
  /** Verified members as of the period's end (membership.verifiedMembers). */
  | 'VERIFIED_MEMBERS';

/** SMS sign-in. */
export type LoginBySmsInput = {
  /** An 11-digit mainland mobile number starting 13–19 (PHONE_FORMAT otherwise). */
  phone: string;
  /** The 6-digit code sent by requestSmsCode; valid 5 minutes, 5 tries. */
  smsCode: string;
};

/** Password sign-in. */
export type LoginInput = {
  /** The account's password. */
  password: string;
  /** An 11-digit mainland mobile number starting 13–19 (PHONE_FORMAT otherwise). */
  phone: string;
};

/** RETRY: ask the rail again (a new refund for REFUND_FAILED, a status query for OPEN_TOO_LONG). HANDLED_OFFLINE: settled outside UnionHub (say how in the note). */
export type PaymentExceptionAction =
  /** Settled outside UnionHub (the note says how). */
  | 'HANDLED_OFFLINE'
  /** Ask the rail again. */
  | 'RETRY';

/** REFUND_FAILED: the rail ended a refund failed. AMOUNT_MISMATCH: paid another amount than asked (being refunded). UNKNOWN_ORDER: money for an order we do not have. OPEN_TOO_LONG: a payment or refund without a final answer for days. REFUNDED_TWICE: the rail refunded after a person had settled the refund offline. */
export type PaymentExceptionKind =
  /** Paid another amount than asked (being refunded). */
  | 'AMOUNT_MISMATCH'
  /** A payment or refund without a final answer for days. */
  | 'OPEN_TOO_LONG'
  /** The rail refunded after a person had settled the refund offline: the member may have been paid back twice. */
  | 'REFUNDED_TWICE'
  /** The rail ended a refund failed. */
  | 'REFUND_FAILED'
  /** Money arrived for an order we do not have. */
  | 'UNKNOWN_ORDER';

/** Whether a person has dealt with it. */
export type PaymentExceptionStatus =
  /** Waiting for a person. */
  | 'OPEN'
  /** Dealt with (resolution and note say how). */
  | 'RESOLVED';

/** A proposal of the root union's allocation for a year. */
export type ProposeRootUnionFundsInput = {
  /** Added to the root's allocation for the year once another admin approves it; positive (AMOUNT_OUT_OF_RANGE). */
  amountFen: number;
  /** Why (the grant, the document number): 2–200 characters. Never personal data. */
  reason: string;
  /** The root union (NOT_ROOT_UNION for any other). */
  unionId: string | number;
  /** The budget year (YEAR_OUT_OF_RANGE if implausible). */
  year: number;
};

/** New tokens for a refresh token. */
export type RefreshTokenInput = {
  /** The refreshToken of the last AuthPayload; each is used once (a reused one ends its whole sign-in: TOKEN_REUSED). */
  refreshToken: string;
};

/** The proposal to reject. */
export type RejectRootUnionFundsInput = {
  /** Why, shown to the proposer: 2–200 characters. Never personal data. */
  note: string;
  /** A PENDING proposal made by another admin. */
  proposalId: string | number;
};

/** A phone and what its code is for. */
export type RequestSmsCodeInput = {
  /** Needed once the phone has had a few codes today (3 by default; CAPTCHA_REQUIRED says so): show the captcha, then ask again with what it returns. Checked only when given (CAPTCHA_INVALID when it does not pass). */
  captcha?: CaptchaInput | null | undefined;
  /** An 11-digit mainland mobile number starting 13–19 (PHONE_FORMAT otherwise). */
  phone: string;
  /** The mutation the code will be given to. */
  purpose: SmsPurpose;
};

/** A person's resolution of a payment exception. */
export type ResolvePaymentExceptionInput = {
  /** What was done. */
  action: PaymentExceptionAction;
  /** An OPEN exception. */
  id: string | number;
  /** At most 500 characters; required for HANDLED_OFFLINE. Never personal data: the order id says whose it was. */
  note?: string | null | undefined;
};

/** Where a proposal of the root union's allocation stands. */
export type RootUnionFundsProposalStatus =
  /** Approved by another admin: on the root union's budget and ledger. */
  | 'APPROVED'
  /** Proposed; awaiting another admin's approval or rejection. */
  | 'PENDING'
  /** Rejected by another admin (see note); nothing moved. */
  | 'REJECTED'
  /** Withdrawn by its proposer; nothing moved. */
  | 'WITHDRAWN';

/** What an SMS code is for: a code proves only that. */
export type SmsPurpose =
  /** changePhone (sent to the new phone). */
  | 'CHANGE_PHONE'
  /** Sent to the signed-in account's own phone: confirms changePhone (currentPhoneCode) or closeAccount (smsCode). */
  | 'CONFIRM_ACCOUNT'
  /** loginBySms. */
  | 'LOGIN'
  /** register. */
  | 'REGISTER'
  /** resetPassword. */
  | 'RESET_PASSWORD';

/** What a caller may do; each field that needs more than GUEST says which tier. */
export type Tier =
  /** Platform administrators. */
  | 'ADMIN'
  /** A cadre: acts on the unions in the subtree of their union (their scope). */
  | 'CADRE'
  /** Anyone, signed in or not. */
  | 'GUEST'
  /** A signed-in account. */
  | 'MEMBER'
  /** Platform operations staff (and admins). */
  | 'OPERATOR'
  /** A member whose real name is verified and whose card is ACTIVE. */
  | 'VERIFIED';

/** A movement of union funds. */
export type UnionFundsEntryKind =
  /** Funds for the year, out of the parent union's (the root union's: set by an admin). */
  | 'ALLOCATION'
  /** A paid bulk order was cancelled or refunded: the amount came back. */
  | 'RETURN'
  /** An approved bulk order was paid. */
  | 'SPEND'
  /** Allocated on to a child union (its ALLOCATION). */
  | 'TO_CHILD';

/** A union's level in the tree, top down. */
export type UnionLevel =
  /** A city (prefecture) federation. */
  | 'CITY'
  /** A county (district) federation. */
  | 'COUNTY'
  /** A workplace union: the only level members join. */
  | 'GRASSROOTS'
  /** The national federation (the root). */
  | 'NATIONAL'
  /** A provincial federation. */
  | 'PROVINCE';

/** The proposal to withdraw. */
export type WithdrawRootUnionFundsInput = {
  /** A PENDING proposal of the caller's. */
  proposalId: string | number;
};

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

export type ConsoleLogoutMutationVariables = Exact<{ [key: string]: never; }>;


export type ConsoleLogoutMutation = { logout: { sessionsEnded: number, errors: Array<{ code: string, message: string }> } };

export type ConsoleMeQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleMeQuery = { me: { id: string, displayName: string, tier: Tier, union: { id: string, name: string, level: UnionLevel, regionCode: string } } | null };

export type ConsoleCockpitQueryVariables = Exact<{
  unionId: string | number;
  period: string;
}>;


export type ConsoleCockpitQuery = { cockpit: { from: string, to: string, period: string, regionCode: string, union: { id: string, name: string, level: UnionLevel, regionCode: string, regionName: string | null, parent: { id: string, name: string, level: UnionLevel } | null }, topActivities: Array<{ activityId: string, name: string, kind: ActivityKind, enrolledCount: number }>, children: Array<{ period: string, regionCode: string, union: { id: string, name: string, level: UnionLevel, regionCode: string, regionName: string | null, isHoldingPool: boolean }, membership: { registeredMembers: number, verifiedMembers: number, activeCards: number, applicationsPending: number, applicationsOverdue: number, applicationsOverdueInPeriod: number, transfersPending: number, figuresAsOf: string | null }, services: { requestsReceived: number, requestsCompleted: number, completedOnTime: number, onTimeRate: number | null, meanRating: number | null, overdueNow: number, escalated: number, articlesPublished: number, articleReads: number }, activities: { enrolments: number, byKind: Array<{ kind: ActivityKind, activities: number, enrolments: number, participants: number }> }, mall: { salesFen: number, orderCount: number, certifiedSalesFen: number, povertyShare: number | null, meetsPovertyLine: boolean, povertyShareLine: number, voucherUsedFen: number, voucherOrderSalesFen: number, leverage: number | null }, funds: { year: number, allocatedFen: number, spentFen: number, toChildrenFen: number, availableFen: number } }>, trend: Array<{ period: string, regionCode: string, membership: { registeredMembers: number, verifiedMembers: number, activeCards: number, applicationsPending: number, applicationsOverdue: number, applicationsOverdueInPeriod: number, transfersPending: number, figuresAsOf: string | null }, services: { requestsReceived: number, requestsCompleted: number, completedOnTime: number, onTimeRate: number | null, meanRating: number | null, overdueNow: number, escalated: number, articlesPublished: number, articleReads: number }, activities: { enrolments: number, byKind: Array<{ kind: ActivityKind, activities: number, enrolments: number, participants: number }> }, mall: { salesFen: number, orderCount: number, certifiedSalesFen: number, povertyShare: number | null, meetsPovertyLine: boolean, povertyShareLine: number, voucherUsedFen: number, voucherOrderSalesFen: number, leverage: number | null }, funds: { year: number, allocatedFen: number, spentFen: number, toChildrenFen: number, availableFen: number } }>, membership: { registeredMembers: number, verifiedMembers: number, activeCards: number, applicationsPending: number, applicationsOverdue: number, applicationsOverdueInPeriod: number, transfersPending: number, figuresAsOf: string | null }, services: { requestsReceived: number, requestsCompleted: number, completedOnTime: number, onTimeRate: number | null, meanRating: number | null, overdueNow: number, escalated: number, articlesPublished: number, articleReads: number }, activities: { enrolments: number, byKind: Array<{ kind: ActivityKind, activities: number, enrolments: number, participants: number }> }, mall: { salesFen: number, orderCount: number, certifiedSalesFen: number, povertyShare: number | null, meetsPovertyLine: boolean, povertyShareLine: number, voucherUsedFen: number, voucherOrderSalesFen: number, leverage: number | null }, funds: { year: number, allocatedFen: number, spentFen: number, toChildrenFen: number, availableFen: number } } };

export type CockpitFiguresFragment = { period: string, regionCode: string, membership: { registeredMembers: number, verifiedMembers: number, activeCards: number, applicationsPending: number, applicationsOverdue: number, applicationsOverdueInPeriod: number, transfersPending: number, figuresAsOf: string | null }, services: { requestsReceived: number, requestsCompleted: number, completedOnTime: number, onTimeRate: number | null, meanRating: number | null, overdueNow: number, escalated: number, articlesPublished: number, articleReads: number }, activities: { enrolments: number, byKind: Array<{ kind: ActivityKind, activities: number, enrolments: number, participants: number }> }, mall: { salesFen: number, orderCount: number, certifiedSalesFen: number, povertyShare: number | null, meetsPovertyLine: boolean, povertyShareLine: number, voucherUsedFen: number, voucherOrderSalesFen: number, leverage: number | null }, funds: { year: number, allocatedFen: number, spentFen: number, toChildrenFen: number, availableFen: number } };

export type ConsoleRankingQueryVariables = Exact<{
  unionId: string | number;
  period: string;
  by: CockpitMetric;
}>;


export type ConsoleRankingQuery = { cockpit: { ranking: Array<{ rank: number, value: number | null, union: { id: string, name: string, level: UnionLevel } }> } };

export type ConsoleMallQueryVariables = Exact<{
  unionId: string | number;
  from: string;
  to: string;
}>;


export type ConsoleMallQuery = { mallReport: { salesFen: number, voucherBudgetFen: number, voucherIssuedFen: number, voucherUsedFen: number, salesByRegionConnection: { edges: Array<{ node: { regionCode: string, regionName: string, salesFen: number, orderCount: number } }> }, salesByUnionConnection: { edges: Array<{ node: { salesFen: number, orderCount: number, certifiedSalesFen: number, povertyShare: number | null, meetsPovertyLine: boolean, union: { id: string, name: string } } }> } } };

export type ConsoleFundsQueryVariables = Exact<{
  unionId: string | number;
  year: number;
}>;


export type ConsoleFundsQuery = { unionFundsLedger: { year: number, allocatedFen: number, spentFen: number, toChildrenFen: number, availableFen: number, entries: { edges: Array<{ node: { id: string, kind: UnionFundsEntryKind, amountFen: number, at: string, orderId: string | null, counterpartUnion: { id: string, name: string } | null } }> } } };

export type ConsoleLeaderboardQueryVariables = Exact<{
  activityId: string | number;
}>;


export type ConsoleLeaderboardQuery = { leaderboard: Array<{ rank: number, score: number, union: { id: string, name: string } | null }> };

export type ConsoleOperationMetricsQueryVariables = Exact<{
  windowSeconds: number;
}>;


export type ConsoleOperationMetricsQuery = { operationMetrics: { at: string, windowSeconds: number, metricsEnabled: boolean, operations: Array<{ operationType: string, operationName: string, count: number, ratePerSecond: number, errors: number, errorRate: number | null, p50Ms: number | null, p95Ms: number | null, p99Ms: number | null, errorsByCode: Array<{ code: string, count: number }> }> } };

export type ConsoleTraceQueryVariables = Exact<{
  traceId: string;
}>;


export type ConsoleTraceQuery = { trace: { traceId: string, operationName: string, durationMs: number, at: string, spans: Array<{ spanId: string | null, parentSpanId: string | null, name: string, startOffsetMs: number | null, durationMs: number, status: string | null, operation: string | null, table: string | null, rowCount: number | null }> } | null };

export type ConsoleReadinessQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleReadinessQuery = { readiness: { ready: boolean, checks: Array<{ name: string, ok: boolean, detail: string }> } };

export type ConsoleSlowOperationsQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleSlowOperationsQuery = { slowOperations: Array<{ traceId: string, operationName: string, durationMs: number, at: string, slowestSpans: Array<{ name: string, durationMs: number, operation: string | null, table: string | null, rowCount: number | null }> }> };

export type ConsolePaymentExceptionsQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsolePaymentExceptionsQuery = { paymentExceptions: { edges: Array<{ node: { id: string, kind: PaymentExceptionKind, status: PaymentExceptionStatus, orderId: string | null, provider: string, providerRef: string | null, amountFen: number | null, reason: string, openedAt: string } }> } };

export type ConsoleResolvePaymentExceptionMutationVariables = Exact<{
  input: ResolvePaymentExceptionInput;
}>;


export type ConsoleResolvePaymentExceptionMutation = { resolvePaymentException: { exception: { id: string, status: PaymentExceptionStatus, resolution: PaymentExceptionAction | null, resolvedAt: string | null } | null, errors: Array<{ code: string, field: string | null, message: string }> } };

export type ConsoleRootUnionsQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleRootUnionsQuery = { unionsConnection: { edges: Array<{ node: { id: string, name: string, level: UnionLevel, isHoldingPool: boolean } }> } };

export type ConsoleRootBudgetQueryVariables = Exact<{
  unionId: string | number;
  year: number;
}>;


export type ConsoleRootBudgetQuery = { unionFundsLedger: { year: number, allocatedFen: number, spentFen: number, toChildrenFen: number, availableFen: number } };

export type ConsoleRootFundsProposalsQueryVariables = Exact<{
  status?: RootUnionFundsProposalStatus | null | undefined;
}>;


export type ConsoleRootFundsProposalsQuery = { rootUnionFundsProposals: { edges: Array<{ node: { id: string, year: number, amountFen: number, reason: string, status: RootUnionFundsProposalStatus, proposedAt: string, decidedAt: string | null, note: string | null, union: { id: string, name: string }, proposedBy: { id: string, displayName: string }, decidedBy: { id: string, displayName: string } | null } }> } };

export type RootFundsProposalFieldsFragment = { id: string, year: number, amountFen: number, reason: string, status: RootUnionFundsProposalStatus, proposedAt: string, decidedAt: string | null, note: string | null, union: { id: string, name: string }, proposedBy: { id: string, displayName: string }, decidedBy: { id: string, displayName: string } | null };

export type ConsoleProposeRootFundsMutationVariables = Exact<{
  input: ProposeRootUnionFundsInput;
}>;


export type ConsoleProposeRootFundsMutation = { proposeRootUnionFunds: { proposal: { id: string, status: RootUnionFundsProposalStatus } | null, errors: Array<{ code: string, field: string | null, message: string }> } };

export type ConsoleApproveRootFundsMutationVariables = Exact<{
  input: ApproveRootUnionFundsInput;
}>;


export type ConsoleApproveRootFundsMutation = { approveRootUnionFunds: { proposal: { id: string, status: RootUnionFundsProposalStatus } | null, budget: { year: number, allocatedFen: number } | null, errors: Array<{ code: string, field: string | null, message: string }> } };

export type ConsoleRejectRootFundsMutationVariables = Exact<{
  input: RejectRootUnionFundsInput;
}>;


export type ConsoleRejectRootFundsMutation = { rejectRootUnionFunds: { proposal: { id: string, status: RootUnionFundsProposalStatus, note: string | null } | null, errors: Array<{ code: string, field: string | null, message: string }> } };

export type ConsoleWithdrawRootFundsMutationVariables = Exact<{
  input: WithdrawRootUnionFundsInput;
}>;


export type ConsoleWithdrawRootFundsMutation = { withdrawRootUnionFunds: { proposal: { id: string, status: RootUnionFundsProposalStatus } | null, errors: Array<{ code: string, field: string | null, message: string }> } };

export const CockpitFiguresFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CockpitFigures"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Cockpit"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"period"}},{"kind":"Field","name":{"kind":"Name","value":"regionCode"}},{"kind":"Field","name":{"kind":"Name","value":"membership"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"registeredMembers"}},{"kind":"Field","name":{"kind":"Name","value":"verifiedMembers"}},{"kind":"Field","name":{"kind":"Name","value":"activeCards"}},{"kind":"Field","name":{"kind":"Name","value":"applicationsPending"}},{"kind":"Field","name":{"kind":"Name","value":"applicationsOverdue"}},{"kind":"Field","name":{"kind":"Name","value":"applicationsOverdueInPeriod"}},{"kind":"Field","name":{"kind":"Name","value":"transfersPending"}},{"kind":"Field","name":{"kind":"Name","value":"figuresAsOf"}}]}},{"kind":"Field","name":{"kind":"Name","value":"services"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"requestsReceived"}},{"kind":"Field","name":{"kind":"Name","value":"requestsCompleted"}},{"kind":"Field","name":{"kind":"Name","value":"completedOnTime"}},{"kind":"Field","name":{"kind":"Name","value":"onTimeRate"}},{"kind":"Field","name":{"kind":"Name","value":"meanRating"}},{"kind":"Field","name":{"kind":"Name","value":"overdueNow"}},{"kind":"Field","name":{"kind":"Name","value":"escalated"}},{"kind":"Field","name":{"kind":"Name","value":"articlesPublished"}},{"kind":"Field","name":{"kind":"Name","value":"articleReads"}}]}},{"kind":"Field","name":{"kind":"Name","value":"activities"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"enrolments"}},{"kind":"Field","name":{"kind":"Name","value":"byKind"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"activities"}},{"kind":"Field","name":{"kind":"Name","value":"enrolments"}},{"kind":"Field","name":{"kind":"Name","value":"participants"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"mall"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"salesFen"}},{"kind":"Field","name":{"kind":"Name","value":"orderCount"}},{"kind":"Field","name":{"kind":"Name","value":"certifiedSalesFen"}},{"kind":"Field","name":{"kind":"Name","value":"povertyShare"}},{"kind":"Field","name":{"kind":"Name","value":"meetsPovertyLine"}},{"kind":"Field","name":{"kind":"Name","value":"povertyShareLine"}},{"kind":"Field","name":{"kind":"Name","value":"voucherUsedFen"}},{"kind":"Field","name":{"kind":"Name","value":"voucherOrderSalesFen"}},{"kind":"Field","name":{"kind":"Name","value":"leverage"}}]}},{"kind":"Field","name":{"kind":"Name","value":"funds"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"year"}},{"kind":"Field","name":{"kind":"Name","value":"allocatedFen"}},{"kind":"Field","name":{"kind":"Name","value":"spentFen"}},{"kind":"Field","name":{"kind":"Name","value":"toChildrenFen"}},{"kind":"Field","name":{"kind":"Name","value":"availableFen"}}]}}]}}]} as unknown as DocumentNode<CockpitFiguresFragment, unknown>;
export const RootFundsProposalFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"RootFundsProposalFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RootUnionFundsProposal"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"year"}},{"kind":"Field","name":{"kind":"Name","value":"amountFen"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"proposedAt"}},{"kind":"Field","name":{"kind":"Name","value":"decidedAt"}},{"kind":"Field","name":{"kind":"Name","value":"note"}},{"kind":"Field","name":{"kind":"Name","value":"union"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"proposedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}},{"kind":"Field","name":{"kind":"Name","value":"decidedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}}]}}]} as unknown as DocumentNode<RootFundsProposalFieldsFragment, unknown>;
export const ConsoleLoginDocument = {"__meta__":{"hash":"sha256:6c9d88695ac2aa6fcfc2586ac5664bea972d99420dfe1b48e26972b067cb630a"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleLogin"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"LoginInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"login"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accessToken"}},{"kind":"Field","name":{"kind":"Name","value":"refreshToken"}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"retryAfterSeconds"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleLoginMutation, ConsoleLoginMutationVariables>;
export const ConsoleLoginBySmsDocument = {"__meta__":{"hash":"sha256:520f9cd5b150624ea6ebfcd34faa2910a4425cfd0bc4d75c6913d239a87a06ac"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleLoginBySms"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"LoginBySmsInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"loginBySms"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accessToken"}},{"kind":"Field","name":{"kind":"Name","value":"refreshToken"}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"retryAfterSeconds"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleLoginBySmsMutation, ConsoleLoginBySmsMutationVariables>;
export const ConsoleRequestSmsCodeDocument = {"__meta__":{"hash":"sha256:791fa72968d33ff81509ac84bb22cfb7914fde37088fd3db603deaa4e4288b4d"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleRequestSmsCode"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RequestSmsCodeInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"requestSmsCode"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"retryAfterSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleRequestSmsCodeMutation, ConsoleRequestSmsCodeMutationVariables>;
export const ConsoleRefreshDocument = {"__meta__":{"hash":"sha256:fa27a4c3a3a266e7b5b2f09553990df7076c141e891acc0066fee0be22f95ab9"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleRefresh"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RefreshTokenInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"refreshToken"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accessToken"}},{"kind":"Field","name":{"kind":"Name","value":"refreshToken"}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleRefreshMutation, ConsoleRefreshMutationVariables>;
export const ConsoleLogoutDocument = {"__meta__":{"hash":"sha256:ddf7ce6134efbe54dc5e4bd05235d07c7f96b0915cea921855448480a1f7e780"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleLogout"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"logout"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sessionsEnded"}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleLogoutMutation, ConsoleLogoutMutationVariables>;
export const ConsoleMeDocument = {"__meta__":{"hash":"sha256:d41c2cd43896e774ad0a4ff9754e3025b9e0469246858912421610f3cae05d5e"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleMe"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"tier"}},{"kind":"Field","name":{"kind":"Name","value":"union"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"level"}},{"kind":"Field","name":{"kind":"Name","value":"regionCode"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleMeQuery, ConsoleMeQueryVariables>;
export const ConsoleCockpitDocument = {"__meta__":{"hash":"sha256:b48c5ccb00ba6ba369b7428a5ecd7afa3f892eb57885ced639378de0743889f1"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleCockpit"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"unionId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"period"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cockpit"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"unionId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"unionId"}}},{"kind":"Argument","name":{"kind":"Name","value":"period"},"value":{"kind":"Variable","name":{"kind":"Name","value":"period"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CockpitFigures"}},{"kind":"Field","name":{"kind":"Name","value":"from"}},{"kind":"Field","name":{"kind":"Name","value":"to"}},{"kind":"Field","name":{"kind":"Name","value":"union"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"level"}},{"kind":"Field","name":{"kind":"Name","value":"regionCode"}},{"kind":"Field","name":{"kind":"Name","value":"regionName"}},{"kind":"Field","name":{"kind":"Name","value":"parent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"level"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"topActivities"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"3"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"activityId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"enrolledCount"}}]}},{"kind":"Field","name":{"kind":"Name","value":"children"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CockpitFigures"}},{"kind":"Field","name":{"kind":"Name","value":"union"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"level"}},{"kind":"Field","name":{"kind":"Name","value":"regionCode"}},{"kind":"Field","name":{"kind":"Name","value":"regionName"}},{"kind":"Field","name":{"kind":"Name","value":"isHoldingPool"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"trend"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"last"},"value":{"kind":"IntValue","value":"12"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CockpitFigures"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CockpitFigures"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Cockpit"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"period"}},{"kind":"Field","name":{"kind":"Name","value":"regionCode"}},{"kind":"Field","name":{"kind":"Name","value":"membership"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"registeredMembers"}},{"kind":"Field","name":{"kind":"Name","value":"verifiedMembers"}},{"kind":"Field","name":{"kind":"Name","value":"activeCards"}},{"kind":"Field","name":{"kind":"Name","value":"applicationsPending"}},{"kind":"Field","name":{"kind":"Name","value":"applicationsOverdue"}},{"kind":"Field","name":{"kind":"Name","value":"applicationsOverdueInPeriod"}},{"kind":"Field","name":{"kind":"Name","value":"transfersPending"}},{"kind":"Field","name":{"kind":"Name","value":"figuresAsOf"}}]}},{"kind":"Field","name":{"kind":"Name","value":"services"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"requestsReceived"}},{"kind":"Field","name":{"kind":"Name","value":"requestsCompleted"}},{"kind":"Field","name":{"kind":"Name","value":"completedOnTime"}},{"kind":"Field","name":{"kind":"Name","value":"onTimeRate"}},{"kind":"Field","name":{"kind":"Name","value":"meanRating"}},{"kind":"Field","name":{"kind":"Name","value":"overdueNow"}},{"kind":"Field","name":{"kind":"Name","value":"escalated"}},{"kind":"Field","name":{"kind":"Name","value":"articlesPublished"}},{"kind":"Field","name":{"kind":"Name","value":"articleReads"}}]}},{"kind":"Field","name":{"kind":"Name","value":"activities"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"enrolments"}},{"kind":"Field","name":{"kind":"Name","value":"byKind"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"activities"}},{"kind":"Field","name":{"kind":"Name","value":"enrolments"}},{"kind":"Field","name":{"kind":"Name","value":"participants"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"mall"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"salesFen"}},{"kind":"Field","name":{"kind":"Name","value":"orderCount"}},{"kind":"Field","name":{"kind":"Name","value":"certifiedSalesFen"}},{"kind":"Field","name":{"kind":"Name","value":"povertyShare"}},{"kind":"Field","name":{"kind":"Name","value":"meetsPovertyLine"}},{"kind":"Field","name":{"kind":"Name","value":"povertyShareLine"}},{"kind":"Field","name":{"kind":"Name","value":"voucherUsedFen"}},{"kind":"Field","name":{"kind":"Name","value":"voucherOrderSalesFen"}},{"kind":"Field","name":{"kind":"Name","value":"leverage"}}]}},{"kind":"Field","name":{"kind":"Name","value":"funds"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"year"}},{"kind":"Field","name":{"kind":"Name","value":"allocatedFen"}},{"kind":"Field","name":{"kind":"Name","value":"spentFen"}},{"kind":"Field","name":{"kind":"Name","value":"toChildrenFen"}},{"kind":"Field","name":{"kind":"Name","value":"availableFen"}}]}}]}}]} as unknown as DocumentNode<ConsoleCockpitQuery, ConsoleCockpitQueryVariables>;
export const ConsoleRankingDocument = {"__meta__":{"hash":"sha256:e8357e6752a17b50dfcb50cec8bc053c46c2c3b36d2c242154c831f8aa3e012d"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleRanking"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"unionId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"period"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"by"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CockpitMetric"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cockpit"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"unionId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"unionId"}}},{"kind":"Argument","name":{"kind":"Name","value":"period"},"value":{"kind":"Variable","name":{"kind":"Name","value":"period"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ranking"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"by"},"value":{"kind":"Variable","name":{"kind":"Name","value":"by"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rank"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"union"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"level"}}]}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleRankingQuery, ConsoleRankingQueryVariables>;
export const ConsoleMallDocument = {"__meta__":{"hash":"sha256:8458569e6a69081fb1638266769bc7f8b3551f4a14124c3800eca4ab01a423df"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleMall"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"unionId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"from"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"to"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"mallReport"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"unionId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"unionId"}}},{"kind":"Argument","name":{"kind":"Name","value":"from"},"value":{"kind":"Variable","name":{"kind":"Name","value":"from"}}},{"kind":"Argument","name":{"kind":"Name","value":"to"},"value":{"kind":"Variable","name":{"kind":"Name","value":"to"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"salesFen"}},{"kind":"Field","name":{"kind":"Name","value":"voucherBudgetFen"}},{"kind":"Field","name":{"kind":"Name","value":"voucherIssuedFen"}},{"kind":"Field","name":{"kind":"Name","value":"voucherUsedFen"}},{"kind":"Field","name":{"kind":"Name","value":"salesByRegionConnection"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"regionCode"}},{"kind":"Field","name":{"kind":"Name","value":"regionName"}},{"kind":"Field","name":{"kind":"Name","value":"salesFen"}},{"kind":"Field","name":{"kind":"Name","value":"orderCount"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"salesByUnionConnection"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"salesFen"}},{"kind":"Field","name":{"kind":"Name","value":"orderCount"}},{"kind":"Field","name":{"kind":"Name","value":"certifiedSalesFen"}},{"kind":"Field","name":{"kind":"Name","value":"povertyShare"}},{"kind":"Field","name":{"kind":"Name","value":"meetsPovertyLine"}},{"kind":"Field","name":{"kind":"Name","value":"union"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleMallQuery, ConsoleMallQueryVariables>;
export const ConsoleFundsDocument = {"__meta__":{"hash":"sha256:f0257435e1831d4a04953aadb96e95bb2763acca650dc32e20b16c7a2c4af799"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleFunds"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"unionId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"year"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"unionFundsLedger"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"unionId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"unionId"}}},{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"10"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"year"}},{"kind":"Field","name":{"kind":"Name","value":"allocatedFen"}},{"kind":"Field","name":{"kind":"Name","value":"spentFen"}},{"kind":"Field","name":{"kind":"Name","value":"toChildrenFen"}},{"kind":"Field","name":{"kind":"Name","value":"availableFen"}},{"kind":"Field","name":{"kind":"Name","value":"entries"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"amountFen"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"orderId"}},{"kind":"Field","name":{"kind":"Name","value":"counterpartUnion"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleFundsQuery, ConsoleFundsQueryVariables>;
export const ConsoleLeaderboardDocument = {"__meta__":{"hash":"sha256:620162c71a5b7b5dfc121d032b60fb2c6766d5a7198cda5b85141b328947706d"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleLeaderboard"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"activityId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"leaderboard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"activityId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"activityId"}}},{"kind":"Argument","name":{"kind":"Name","value":"by"},"value":{"kind":"EnumValue","value":"UNION"}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"10"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rank"}},{"kind":"Field","name":{"kind":"Name","value":"score"}},{"kind":"Field","name":{"kind":"Name","value":"union"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleLeaderboardQuery, ConsoleLeaderboardQueryVariables>;
export const ConsoleOperationMetricsDocument = {"__meta__":{"hash":"sha256:e30fb6b54220385678659c5244dc89b7ee29e67d6616841c814b969a9b20b68b"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleOperationMetrics"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"windowSeconds"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"operationMetrics"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"windowSeconds"},"value":{"kind":"Variable","name":{"kind":"Name","value":"windowSeconds"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"windowSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"metricsEnabled"}},{"kind":"Field","name":{"kind":"Name","value":"operations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"operationType"}},{"kind":"Field","name":{"kind":"Name","value":"operationName"}},{"kind":"Field","name":{"kind":"Name","value":"count"}},{"kind":"Field","name":{"kind":"Name","value":"ratePerSecond"}},{"kind":"Field","name":{"kind":"Name","value":"errors"}},{"kind":"Field","name":{"kind":"Name","value":"errorRate"}},{"kind":"Field","name":{"kind":"Name","value":"p50Ms"}},{"kind":"Field","name":{"kind":"Name","value":"p95Ms"}},{"kind":"Field","name":{"kind":"Name","value":"p99Ms"}},{"kind":"Field","name":{"kind":"Name","value":"errorsByCode"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleOperationMetricsQuery, ConsoleOperationMetricsQueryVariables>;
export const ConsoleTraceDocument = {"__meta__":{"hash":"sha256:2b6d094a2abd13e7eb64dbc0cc30ab026010d45482e5ed126f216db9698f0fe1"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleTrace"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"traceId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"trace"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"traceId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"traceId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"traceId"}},{"kind":"Field","name":{"kind":"Name","value":"operationName"}},{"kind":"Field","name":{"kind":"Name","value":"durationMs"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"spans"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"spanId"}},{"kind":"Field","name":{"kind":"Name","value":"parentSpanId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"startOffsetMs"}},{"kind":"Field","name":{"kind":"Name","value":"durationMs"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"operation"}},{"kind":"Field","name":{"kind":"Name","value":"table"}},{"kind":"Field","name":{"kind":"Name","value":"rowCount"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleTraceQuery, ConsoleTraceQueryVariables>;
export const ConsoleReadinessDocument = {"__meta__":{"hash":"sha256:ef558a8942fe43268175f942e0edc384b68ac197b542056e75169f99fe777d88"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleReadiness"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"readiness"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ready"}},{"kind":"Field","name":{"kind":"Name","value":"checks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"ok"}},{"kind":"Field","name":{"kind":"Name","value":"detail"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleReadinessQuery, ConsoleReadinessQueryVariables>;
export const ConsoleSlowOperationsDocument = {"__meta__":{"hash":"sha256:9832cec4c096828419acb31e5d747f828f809dff7994528a41e3e45c0f4e8f18"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleSlowOperations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"slowOperations"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"50"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"traceId"}},{"kind":"Field","name":{"kind":"Name","value":"operationName"}},{"kind":"Field","name":{"kind":"Name","value":"durationMs"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"slowestSpans"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"durationMs"}},{"kind":"Field","name":{"kind":"Name","value":"operation"}},{"kind":"Field","name":{"kind":"Name","value":"table"}},{"kind":"Field","name":{"kind":"Name","value":"rowCount"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleSlowOperationsQuery, ConsoleSlowOperationsQueryVariables>;
export const ConsolePaymentExceptionsDocument = {"__meta__":{"hash":"sha256:bcb57d8a2d2eef796064682e0e713fc0c21806045ae92363160357574f1b396a"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsolePaymentExceptions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"paymentExceptions"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"50"}},{"kind":"Argument","name":{"kind":"Name","value":"status"},"value":{"kind":"EnumValue","value":"OPEN"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"orderId"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"providerRef"}},{"kind":"Field","name":{"kind":"Name","value":"amountFen"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"openedAt"}}]}}]}}]}}]}}]} as unknown as DocumentNode<ConsolePaymentExceptionsQuery, ConsolePaymentExceptionsQueryVariables>;
export const ConsoleResolvePaymentExceptionDocument = {"__meta__":{"hash":"sha256:0904a1d3b074abefbb3fdcb15fb2e05e9057616d10b5a179618fc8d264edaf83"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleResolvePaymentException"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ResolvePaymentExceptionInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"resolvePaymentException"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"exception"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"resolution"}},{"kind":"Field","name":{"kind":"Name","value":"resolvedAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleResolvePaymentExceptionMutation, ConsoleResolvePaymentExceptionMutationVariables>;
export const ConsoleRootUnionsDocument = {"__meta__":{"hash":"sha256:92e9b9088100c44786322646a9857f3d366f4d4f16d10506f0ac24eb037365d5"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleRootUnions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"unionsConnection"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"level"}},{"kind":"Field","name":{"kind":"Name","value":"isHoldingPool"}}]}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleRootUnionsQuery, ConsoleRootUnionsQueryVariables>;
export const ConsoleRootBudgetDocument = {"__meta__":{"hash":"sha256:a48169f972198a4d105e8ab28b3ed5d5923432daddc10c8d319f599d97a1ba6e"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleRootBudget"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"unionId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"year"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"unionFundsLedger"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"unionId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"unionId"}}},{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"5"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"year"}},{"kind":"Field","name":{"kind":"Name","value":"allocatedFen"}},{"kind":"Field","name":{"kind":"Name","value":"spentFen"}},{"kind":"Field","name":{"kind":"Name","value":"toChildrenFen"}},{"kind":"Field","name":{"kind":"Name","value":"availableFen"}}]}}]}}]} as unknown as DocumentNode<ConsoleRootBudgetQuery, ConsoleRootBudgetQueryVariables>;
export const ConsoleRootFundsProposalsDocument = {"__meta__":{"hash":"sha256:6860edc1e810a19ce2f9e22efb6ecc28c092f646123d89306e6cf1046b26f850"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleRootFundsProposals"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"status"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"RootUnionFundsProposalStatus"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rootUnionFundsProposals"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"status"},"value":{"kind":"Variable","name":{"kind":"Name","value":"status"}}},{"kind":"Argument","name":{"kind":"Name","value":"last"},"value":{"kind":"IntValue","value":"50"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"RootFundsProposalFields"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"RootFundsProposalFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RootUnionFundsProposal"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"year"}},{"kind":"Field","name":{"kind":"Name","value":"amountFen"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"proposedAt"}},{"kind":"Field","name":{"kind":"Name","value":"decidedAt"}},{"kind":"Field","name":{"kind":"Name","value":"note"}},{"kind":"Field","name":{"kind":"Name","value":"union"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"proposedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}},{"kind":"Field","name":{"kind":"Name","value":"decidedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}}]}}]} as unknown as DocumentNode<ConsoleRootFundsProposalsQuery, ConsoleRootFundsProposalsQueryVariables>;
export const ConsoleProposeRootFundsDocument = {"__meta__":{"hash":"sha256:c15eb774d45aa8c9f8997a354970aabc7a0825310232dfa4e6d5723618a2068a"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleProposeRootFunds"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ProposeRootUnionFundsInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"proposeRootUnionFunds"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"proposal"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleProposeRootFundsMutation, ConsoleProposeRootFundsMutationVariables>;
export const ConsoleApproveRootFundsDocument = {"__meta__":{"hash":"sha256:f06c948c223a705ad39aaff4fecb961166a0e9ff510625c15532c6baa23423ba"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleApproveRootFunds"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ApproveRootUnionFundsInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"approveRootUnionFunds"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"proposal"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"budget"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"year"}},{"kind":"Field","name":{"kind":"Name","value":"allocatedFen"}}]}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleApproveRootFundsMutation, ConsoleApproveRootFundsMutationVariables>;
export const ConsoleRejectRootFundsDocument = {"__meta__":{"hash":"sha256:392fcdfc1d89edead16c5a5acac6cb96dcc854af9f62173eb0d6ad3f82e4a61a"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleRejectRootFunds"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RejectRootUnionFundsInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rejectRootUnionFunds"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"proposal"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"note"}}]}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleRejectRootFundsMutation, ConsoleRejectRootFundsMutationVariables>;
export const ConsoleWithdrawRootFundsDocument = {"__meta__":{"hash":"sha256:4ec73b680abeb1f2f447b670944662f327c37aecd458d853fddc75fadd4491fc"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleWithdrawRootFunds"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"WithdrawRootUnionFundsInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"withdrawRootUnionFunds"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"proposal"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleWithdrawRootFundsMutation, ConsoleWithdrawRootFundsMutationVariables>;