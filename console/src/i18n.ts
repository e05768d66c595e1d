// zh-CN by default, English on request; the choice is kept and sent to the API as
// Accept-Language so that its messages (refusals included) come in the same language.
import type { ActivityKind, PaymentExceptionKind, Tier, UnionFundsEntryKind, UnionLevel } from './gql/graphql';

export type Lang = 'zh-CN' | 'en';

const zh = {
  title: '工会数据驾驶舱', signIn: '登录', signOut: '退出', phone: '手机号', password: '密码',
  smsCode: '短信验证码', sendCode: '获取验证码', byPassword: '密码登录', bySms: '短信登录',
  captchaNeeded: '该手机号今日已多次获取验证码，请先完成人机验证', solveCaptcha: '进行人机验证',
  sandboxCaptcha: '沙箱验证（测试环境）', codeSent: '验证码已发送',
  cockpit: '数据驾驶舱', operations: '运维视图', membership: '会员', services: '服务',
  activities: '活动', mall: '商城', funds: '工会经费', trends: '月度趋势', ranking: '下级工会排名',
  map: '区域分布', drill: '下级工会', period: '月份', registered: '注册会员', verified: '认证会员',
  pendingApplications: '待审入会申请', overdueApplications: '逾期入会申请', pendingTransfers: '待审转入',
  received: '受理诉求', completed: '已办结', onTime: '按时办结', onTimeRate: '按时率',
  meanRating: '平均评分', articles: '发稿量', reads: '阅读量', sales: '销售额(元)', orders: '订单数',
  voucherBudget: '消费券预算', voucherIssued: '已发放', voucherUsed: '已核销', leverage: '撬动比',
  povertyLine: '消费帮扶占比线', povertyShare: '帮扶占比', allocated: '下拨', spent: '支出', toChildren: '下拨下级',
  available: '可用', enrolled: '参与人数', leaderboard: '排行榜', back: '上一级', loading: '加载中…',
  error: '请求失败', unanswered: '未能连接服务器，或服务器未能应答，请稍后重试',
  captchaUnavailable: '人机验证暂时无法加载，请稍后重试', traceId: '追踪号', refused: '无权访问', declined: '操作未通过', slowOps: '慢操作', waterfall: '耗时瀑布',
  exceptions: '支付异常队列', retry: '重试', handledOffline: '线下已处理', note: '备注',
  readiness: '就绪状态', traceLookup: '按追踪号查找', lookup: '查找', red: '请求速率 / 错误 / 耗时',
  notFound: '未找到', none: '无', salesByRegion: '分区域销售', salesByUnion: '分工会销售',
  union: '工会', level: '级别', regionCode: '区划代码', sessionExpired: '登录已过期，请重新登录',
  signedOutHereOnly: '已在本页退出，但服务器未确认结束此次登录：其令牌在到期前仍然有效。请稍后登录后再次退出，或告知管理员。',
  duration: '耗时(ms)', operation: '操作', at: '时间', kind: '类型', amount: '金额(元)', reason: '原因',
  resolve: '处理', status: '状态', choroplethNote: '按区划代码着色：注册会员数',
  figuresAsOf: '会员数与会员卡数统计于', figuresNotYet: '会员数尚未统计（每 5 分钟统计一次）',
  activeCards: '有效会员卡', overdueInPeriod: '本期逾期申请', overdueNow: '当前超期', escalated: '已上报',
  participants: '参与人', rankBy: '排名指标', rate: '速率(/秒)', errorRate: '错误率', p95: 'P95(ms)',
  metricsOff: '指标未开启', spanNote: '子跨度的开始时间未记录：自操作开始处绘制',
  metric_VERIFIED_MEMBERS: '认证会员', metric_REQUESTS_RECEIVED: '受理诉求', metric_REQUESTS_COMPLETED: '已办结',
  metric_ON_TIME_RATE: '按时率', metric_MEAN_RATING: '平均评分', metric_ARTICLES_PUBLISHED: '发稿量',
  metric_ARTICLE_READS: '阅读量', metric_SALES: '销售额(分)', metric_POVERTY_SHARE: '帮扶占比', metric_ENROLMENTS: '活动参与',
  rootFunds: '根工会经费', rootBudget: '根工会经费预算', propose: '提出拨款', proposals: '拨款提议',
  year: '年度', approve: '批准', reject: '驳回', withdraw: '撤回', rejectNote: '驳回理由', proposer: '提议人',
  decider: '处理人', mine: '本人', rootUnion: '根工会', proposedAt: '提议时间',
  status_PENDING: '待审批', status_APPROVED: '已批准', status_REJECTED: '已驳回', status_WITHDRAWN: '已撤回', status_ALL: '全部',
  badAmount: '金额请以元填写，最多两位小数（如 1000000.00）', twoAdmins: '根工会经费须两位管理员：一位提议，另一位批准或驳回；提议人只能撤回自己的提议。',
  done_PENDING: '已提交，等待另一位管理员审批', done_APPROVED: '已批准，经费已计入根工会预算', done_REJECTED: '已驳回',
  done_WITHDRAWN: '已撤回',
  hint_SELF_APPROVAL: '请由另一位管理员登录后批准或驳回；自己的提议只能撤回。',
  hint_PROPOSAL_NOT_PENDING: '该提议已被他人处理，列表已刷新。', hint_PROPOSAL_NOT_FOUND: '未找到该提议，列表已刷新。',
  hint_NOT_PROPOSER: '只有提议人可以撤回；如不同意，请填写理由后驳回。',
  hint_REASON_REQUIRED: '请填写 2–200 字的理由，如拨款文件号；不要填写个人信息。', hint_REASON_TOO_LONG: '理由最多 200 字。',
  hint_NOTE_REQUIRED: '驳回须填写 2–200 字的理由，提议人会看到。', hint_NOTE_TOO_LONG: '理由最多 200 字。',
  hint_AMOUNT_OUT_OF_RANGE: '金额须大于 0 元，且不超过 21,474,836.47 元。', hint_YEAR_OUT_OF_RANGE: '请填写合理的预算年度。',
  hint_NOT_ROOT_UNION: '只有根工会的经费在此提议；下级工会的经费由上级工会干部下拨。',
  hint_PROPOSAL_EXPIRED: '该提议已超过 30 天，不能再批准；可驳回，或由提议人撤回后重新提议。',
} as const;

export type Key = keyof typeof zh;

const en: Record<Key, string> = {
  title: 'Union data cockpit', signIn: 'Sign in', signOut: 'Sign out', phone: 'Phone', password: 'Password',
  smsCode: 'SMS code', sendCode: 'Send code', byPassword: 'Password', bySms: 'SMS code',
  captchaNeeded: 'This phone has had several codes today: complete the human check first', solveCaptcha: 'Complete the check',
  sandboxCaptcha: 'Sandbox check (test environment)', codeSent: 'Code sent',
  cockpit: 'Cockpit', operations: 'Operations', membership: 'Membership', services: 'Services',
  activities: 'Activities', mall: 'Mall', funds: 'Union funds', trends: 'Monthly trends', ranking: 'Child unions ranked',
  map: 'By region', drill: 'Child unions', period: 'Month', registered: 'Registered', verified: 'Verified',
  pendingApplications: 'Join applications pending', overdueApplications: 'Applications overdue', pendingTransfers: 'Transfers in pending',
  received: 'Requests received', completed: 'Completed', onTime: 'On time', onTimeRate: 'On-time rate',
  meanRating: 'Mean rating', articles: 'Articles', reads: 'Reads', sales: 'Sales (yuan)', orders: 'Orders',
  voucherBudget: 'Voucher budget', voucherIssued: 'Issued', voucherUsed: 'Used', leverage: 'Leverage',
  povertyLine: 'Poverty-alleviation line', povertyShare: 'Poverty share', allocated: 'Allocated', spent: 'Spent', toChildren: 'To child unions',
  available: 'Available', enrolled: 'Enrolled', leaderboard: 'Leaderboard', back: 'Up one level', loading: 'Loading…',
  error: 'Request failed', unanswered: 'The server could not be reached or did not answer: try again shortly',
  captchaUnavailable: 'The human check could not be loaded: try again shortly', traceId: 'Trace id', refused: 'Not allowed', declined: 'Refused', slowOps: 'Slow operations', waterfall: 'Waterfall',
  exceptions: 'Payment exceptions', retry: 'Retry', handledOffline: 'Handled offline', note: 'Note',
  readiness: 'Readiness', traceLookup: 'Look up a trace id', lookup: 'Look up', red: 'Rate / errors / duration',
  notFound: 'Not found', none: 'None', salesByRegion: 'Sales by region', salesByUnion: 'Sales by union',
  union: 'Union', level: 'Level', regionCode: 'Region code', sessionExpired: 'Your session expired: sign in again',
  signedOutHereOnly: 'Signed out in this tab only: the server did not confirm ending the session, so its tokens stay valid until they expire. Sign in and out again later, or tell an administrator.',
  duration: 'Duration (ms)', operation: 'Operation', at: 'At', kind: 'Kind', amount: 'Amount (yuan)', reason: 'Reason',
  resolve: 'Resolve', status: 'Status', choroplethNote: 'Shaded by region code: registered members',
  figuresAsOf: 'Member and card figures counted at', figuresNotYet: 'Member figures not counted yet (every 5 minutes)',
  activeCards: 'Active cards', overdueInPeriod: 'Overdue in period', overdueNow: 'Overdue now', escalated: 'Escalated',
  participants: 'Participants', rankBy: 'Rank by', rate: 'Rate (/s)', errorRate: 'Error rate', p95: 'p95 (ms)',
  metricsOff: 'Metrics are off', spanNote: 'Child spans have no recorded start: drawn from the operation start',
  metric_VERIFIED_MEMBERS: 'Verified members', metric_REQUESTS_RECEIVED: 'Requests received', metric_REQUESTS_COMPLETED: 'Completed',
  metric_ON_TIME_RATE: 'On-time rate', metric_MEAN_RATING: 'Mean rating', metric_ARTICLES_PUBLISHED: 'Articles',
  metric_ARTICLE_READS: 'Reads', metric_SALES: 'Sales (fen)', metric_POVERTY_SHARE: 'Poverty share', metric_ENROLMENTS: 'Enrolments',
  rootFunds: 'Root union funds', rootBudget: "The root union's budget", propose: 'Propose', proposals: 'Proposals',
  year: 'Year', approve: 'Approve', reject: 'Reject', withdraw: 'Withdraw', rejectNote: 'Reason for rejecting', proposer: 'Proposed by',
  decider: 'Decided by', mine: 'me', rootUnion: 'Root union', proposedAt: 'Proposed at',
  status_PENDING: 'Pending', status_APPROVED: 'Approved', status_REJECTED: 'Rejected', status_WITHDRAWN: 'Withdrawn', status_ALL: 'All',
  badAmount: 'Enter the amount in yuan with at most two decimals (e.g. 1000000.00)', twoAdmins: "The root union's funds take two admins: one proposes, another approves or rejects; the proposer can only withdraw their own.",
  done_PENDING: 'Proposed: another admin must approve it', done_APPROVED: "Approved: the amount is on the root union's budget", done_REJECTED: 'Rejected',
  done_WITHDRAWN: 'Withdrawn',
  hint_SELF_APPROVAL: 'Another admin must sign in to approve or reject it; you can only withdraw your own.',
  hint_PROPOSAL_NOT_PENDING: 'Someone else decided it already; the list is refreshed.', hint_PROPOSAL_NOT_FOUND: 'No such proposal; the list is refreshed.',
  hint_NOT_PROPOSER: 'Only its proposer withdraws it; to refuse it, reject it with a reason.',
  hint_REASON_REQUIRED: 'Give a reason of 2–200 characters, such as the grant document number; no personal data.', hint_REASON_TOO_LONG: 'At most 200 characters.',
  hint_NOTE_REQUIRED: 'A rejection needs a reason of 2–200 characters, which the proposer reads.', hint_NOTE_TOO_LONG: 'At most 200 characters.',
  hint_AMOUNT_OUT_OF_RANGE: 'The amount must be above ¥0 and at most ¥21,474,836.47.', hint_YEAR_OUT_OF_RANGE: 'Enter a plausible budget year.',
  hint_NOT_ROOT_UNION: "Only the root union's funds are proposed here; a child union's come from its parent's cadres.",
  hint_PROPOSAL_EXPIRED: 'The proposal is over 30 days old and can no longer be approved; reject it, or its proposer withdraws it and proposes again.',
};

// The words for the API's enum values a page shows (typed by the generated enums, so a value
// added to the schema fails the build until it has its words here; tests/labels.test.ts checks
// them against the schema snapshot too).
interface EnumWords {
  UnionLevel: Record<UnionLevel, string>;
  Tier: Record<Tier, string>;
  ActivityKind: Record<ActivityKind, string>;
  UnionFundsEntryKind: Record<UnionFundsEntryKind, string>;
  PaymentExceptionKind: Record<PaymentExceptionKind, string>;
}

export const enumLabels: Record<Lang, EnumWords> = {
  'zh-CN': {
    UnionLevel: { NATIONAL: '全国总工会', PROVINCE: '省级工会', CITY: '市级工会', COUNTY: '县级工会', GRASSROOTS: '基层工会' },
    Tier: { ADMIN: '管理员', CADRE: '工会干部', OPERATOR: '运维人员', VERIFIED: '认证会员', MEMBER: '会员', GUEST: '访客' },
    ActivityKind: { EVENT: '活动报名', WALKING: '健步走', QUIZ: '知识竞赛', READING: '读书打卡', BENEFIT_DRAW: '福利抽奖' },
    UnionFundsEntryKind: { ALLOCATION: '上级下拨', TO_CHILD: '下拨下级', SPEND: '支出', RETURN: '退回' },
    PaymentExceptionKind: {
      AMOUNT_MISMATCH: '金额不符', OPEN_TOO_LONG: '久未完结', REFUND_FAILED: '退款失败', UNKNOWN_ORDER: '无对应订单', REFUNDED_TWICE: '可能重复退款',
    },
  },
  en: {
    UnionLevel: { NATIONAL: 'National', PROVINCE: 'Province', CITY: 'City', COUNTY: 'County', GRASSROOTS: 'Grassroots' },
    Tier: { ADMIN: 'Admin', CADRE: 'Cadre', OPERATOR: 'Operator', VERIFIED: 'Verified member', MEMBER: 'Member', GUEST: 'Guest' },
    ActivityKind: { EVENT: 'Event', WALKING: 'Walking', QUIZ: 'Quiz', READING: 'Reading', BENEFIT_DRAW: 'Benefit draw' },
    UnionFundsEntryKind: { ALLOCATION: 'Allocation', TO_CHILD: 'To a child union', SPEND: 'Spend', RETURN: 'Return' },
    PaymentExceptionKind: {
      AMOUNT_MISMATCH: 'Amount mismatch', OPEN_TOO_LONG: 'Open too long', REFUND_FAILED: 'Refund failed', UNKNOWN_ORDER: 'Unknown order', REFUNDED_TWICE: 'Possibly refunded twice',
    },
  },
};

/** An enum value in words; a value this build does not know yet is shown as sent, never blank. */
export function label(type: keyof EnumWords, value: string, language: Lang = current): string {
  return (enumLabels[language][type] as Record<string, string>)[value] ?? value;
}

const KEY = 'unionhub.console.lang';
let current: Lang = readLang();

function readLang(): Lang {
  try {
    return globalThis.localStorage?.getItem(KEY) === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

export function lang(): Lang {
  return current;
}

export function setLang(next: Lang): void {
  current = next;
  try {
    globalThis.localStorage?.setItem(KEY, next);
  } catch {
    /* private mode: the choice lasts this page only */
  }
}

export function t(key: Key, language: Lang = current): string {
  return language === 'en' ? en[key] : zh[key];
}

export const dictionaries = { 'zh-CN': zh, en };

/** The console's advice on an API error code, where it has one (the message is the API's). */
export function hintFor(code: string | null | undefined): string | null {
  const key = `hint_${code}`;
  return code && key in zh ? t(key as Key) : null;
}
