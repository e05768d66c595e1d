"""Mall GraphQL documents shared by several mall test modules."""

from __future__ import annotations

CANCEL = """mutation C($input: CancelOrderInput!) { cancelOrder(input: $input) {
  order { id status } errors { code field message } } }"""
SHIP = """mutation S($input: ShipOrderInput!) { shipOrder(input: $input) {
  order { id status } errors { code field message } } }"""
GRANT = """mutation G($input: GrantVouchersInput!) { grantVouchers(input: $input) {
  granted done campaign { issuedCount remainingVouchers grantDone } errors { code field } } }"""
REPORT = """query R($u: ID!, $from: Date!, $to: Date!) { mallReport(unionId: $u, from: $from, to: $to) {
  from to salesFen orderCount voucherBudgetFen voucherIssuedFen voucherUsedFen
  voucherOrderSalesFen leverage povertyShareLine
  salesByRegion { regionCode regionName salesFen orderCount }
  salesByUnion { union { id name } salesFen orderCount certifiedSalesFen povertyShare meetsPovertyLine } } }"""
