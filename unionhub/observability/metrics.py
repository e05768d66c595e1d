"""The platform's named metric instruments: import one and record.

    from unionhub.observability import metrics
    metrics.SMS_REQUESTS.add(1, {"provider": "aliyun", "outcome": "ok"})

Instruments come from OpenTelemetry's global meter, so a module may create and use them before
`observability.metrics_setup.setup_metrics` installs the MeterProvider (the API's proxies bind
to it then); without one (a script, metrics off) they record nothing. Names follow the
semantic conventions where one exists (`http.server.request.duration`,
`db.client.operation.duration`, `db.client.connection.*`); the rest are `unionhub.*`.
Attributes are bounded sets (operation names are folded, `unionhub.schema.operation`), never
personal data, ids or free text: each distinct set is a time series kept for the life of the
process.

The hot path's histograms (HTTP, GraphQL operation, database and Redis durations, the audit
group commit's batches) are `HotHistogram`s (fastpath/hot_metrics.py): same export, a tenth of the cost.
"""

from __future__ import annotations

from opentelemetry import metrics as otel_metrics

from unionhub.fastpath.hot_metrics import REGISTRY, HotHistogram, hot_histogram

METER = otel_metrics.get_meter("unionhub")

# --- request path (hot) -----------------------------------------------------------------------
HTTP_SERVER_DURATION = hot_histogram(
    "http.server.request.duration", "s", "Duration of HTTP server requests.",
    ("http.request.method", "http.route", "http.response.status_code"))
GRAPHQL_OPERATION_DURATION = hot_histogram(
    "unionhub.graphql.operation.duration", "s",
    "Duration of GraphQL operations (its count is the operation count).",
    ("graphql.operation.type", "graphql.operation.name"))
DB_OPERATION_DURATION = hot_histogram(
    "db.client.operation.duration", "s", "Duration of database and Redis operations.",
    ("db.system.name", "db.operation.name", "db.collection.name"))
GRAPHQL_OPERATION_ERRORS = METER.create_counter(
    "unionhub.graphql.operation.errors", "{error}",
    "GraphQL errors by operation name and extensions.code.")

# --- database pool (observed at collection: observability/metrics_setup.py) --------------------
# db.client.connection.count {db.client.connection.state: used|idle} and
# db.client.connection.pending_requests are observable instruments made at set-up.

# --- read replicas (db_replicas.py, made there) ------------------------------------------------
# unionhub.db.replica.lag and unionhub.db.replica.up (observable gauges, per replica) and
# unionhub.db.replica.reads (counter: where routed functions ran, and why).

# --- audit group commit (identity/audit.py) ---------------------------------------------------
# Hot histograms too (no attributes): every audited read's batch records both, and the SDK's
# record cost ~6 µs each, about 5% of the hot lookup's server CPU (bench/server_ab.py).
AUDIT_BATCH_SIZE = HotHistogram(
    "unionhub.audit.batch.size", "{row}", "Rows per group-committed audit INSERT.", (),
    bounds=(1, 2, 4, 8, 16, 32, 64))
AUDIT_BATCH_WAIT = HotHistogram(
    "unionhub.audit.batch.wait", "s",
    "From a batch's first queued row to its commit (what its reads waited).", (),
    bounds=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
REGISTRY.extend((AUDIT_BATCH_SIZE, AUDIT_BATCH_WAIT))

# --- audit rows linked after their commit (identity/audit_linker.py) ---------------------------
AUDIT_LINKED = METER.create_counter(
    "unionhub.audit.linked", "{row}",
    "Audit rows linked into the chain after their transaction's commit, by who linked them "
    "(task, sweep, call); the sweep's were left by a crash or a long transaction.")
AUDIT_UNLINKED_LATE = METER.create_counter(
    "unionhub.audit.unlinked.late", "{row}",
    "Audit rows the sweep found unlinked for longer than UNIONHUB_AUDIT_UNLINKED_ALARM_SECONDS "
    "(the alarm: linking is failing).")
# Set by the sweep (every minute, in the processes that run jobs).
AUDIT_UNLINKED_ROWS = METER.create_gauge(
    "unionhub.audit.unlinked.rows", "{row}", "Committed audit rows not linked yet, after a sweep.")
AUDIT_UNLINKED_AGE = METER.create_gauge(
    "unionhub.audit.unlinked.oldest_age", "s",
    "Age of the oldest committed audit row not linked yet, after a sweep (0 when none).")

# --- periodic jobs (jobs.py, worker.py) -------------------------------------------------------
JOB_RUNS = METER.create_counter(
    "unionhub.job.runs", "{run}", "Periodic job runs by job and outcome (ok, failed).")
# In seconds: the SDK's default buckets (0, 5, 10 ... 10000) are for milliseconds, and put
# nearly every run and every provider call in the first one.
JOB_DURATION = METER.create_histogram(
    "unionhub.job.duration", "s", "Periodic job run time.",
    explicit_bucket_boundaries_advisory=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300,
                                         900, 3600))
# unionhub.job.lag (observable gauge, metrics_setup.py): seconds a job is overdue in this process.

# --- business ---------------------------------------------------------------------------------
ORDERS_PLACED = METER.create_counter("unionhub.mall.orders.placed", "{order}", "Orders placed.")
ORDERS_PAID = METER.create_counter(
    "unionhub.mall.orders.paid", "{order}", "Orders paid, by payment method.")
ORDERS_CANCELLED = METER.create_counter(
    "unionhub.mall.orders.cancelled", "{order}", "Orders cancelled, by reason (member, expired...).")
ORDERS_REFUNDED = METER.create_counter(
    "unionhub.mall.orders.refunded", "{order}", "Orders refunded or reversed, by kind.")
PAYMENT_AMOUNT = METER.create_counter(
    "unionhub.mall.payment.amount", "{fen}",
    "Money through the mall in fen, by direction (paid, refunded) and payment method.")
REFUNDS_FAILED = METER.create_counter(
    "unionhub.mall.refunds.failed", "{refund}",
    "Refunds not sent: the rail unreachable or not configured (reason).")
VOUCHERS_CLAIMED = METER.create_counter(
    "unionhub.mall.vouchers.claimed", "{voucher}", "Vouchers claimed by members.")
VOUCHERS_GRANTED = METER.create_counter(
    "unionhub.mall.vouchers.granted", "{voucher}", "Vouchers granted by cadres.")
# Set (not counted) by whoever knows the figure: the payment-exception queue's owner.
PAYMENT_EXCEPTIONS_OPEN = METER.create_gauge(
    "unionhub.mall.payment_exceptions.open", "{exception}", "Payment exceptions not yet settled.")
# Counted when one opens, by kind and provider: the gauge above is set by a minutely job and
# sums every kind, so it cannot page on one refund the rail refused (alert UnionHubRefundFailed).
PAYMENT_EXCEPTIONS_OPENED = METER.create_counter(
    "unionhub.mall.payment_exceptions.opened", "{exception}",
    "Payment exceptions opened, by kind (REFUND_FAILED, ...) and provider.")
# Every verified fact of a rail (a notification, a status query's answer) through the gate
# (mall.payments.apply_fact), by provider and outcome: applied, duplicate, ignored, unknown,
# failed (the database refused an effect; alert UnionHubPaymentFactsFailing).
PAYMENT_FACTS = METER.create_counter(
    "unionhub.mall.payment_facts", "{fact}",
    "Payment rails' facts through the once-only gate, by provider and outcome.")
SIGN_IN_FAILURES = METER.create_counter(
    "unionhub.identity.sign_in.failures", "{attempt}", "Failed sign-ins, by reason code.")
# Personal values refused on read (identity.crypto): attributes `purpose` (phone, name, ...)
# and `reason` (unauthenticated: moved from another row or altered; unbound: written before
# binding, once UNIONHUB_ACCEPT_UNBOUND_CIPHERTEXTS is off). Any is an alert: see OPERATORS.md.
PERSONAL_DATA_REFUSED = METER.create_counter(
    "unionhub.personal_data.refused", "{value}",
    "Stored personal values that did not authenticate under their row, by purpose and reason.")
# Calls to outside providers: attributes `provider` and `outcome` (ok, error, unavailable;
# SMS also unknown: no answer in time, perhaps sent).
SMS_REQUESTS = METER.create_counter(
    "unionhub.sms.requests", "{request}", "Calls to the SMS provider.")
IDENTITY_PROVIDER_REQUESTS = METER.create_counter(
    "unionhub.identity_provider.requests", "{request}",
    "Calls to the real-name identity verification provider.")
OUTAGE_ERRORS = METER.create_counter(
    "unionhub.outage.errors", "{error}",
    "Operations answered SERVICE_UNAVAILABLE, by dependency (database, redis, provider, network).")
REDIS_MISCONFIGURED = METER.create_counter(
    "unionhub.redis.misconfigured", "{reply}",
    "Redis replies that show a misconfiguration (MOVED, CROSSSLOT, CLUSTERDOWN: REDIS_URL names "
    "one node of a cluster), by reason; requests fell back to the database.")
RATE_LIMIT_FALLBACK = METER.create_counter(
    "unionhub.ratelimit.fallback", "{attempt}",
    "Attempts whose rate limit Redis could not count, by limit and outcome (per_process: "
    "counted on the process's own store; refused: the limit allows no per-process counting).")
PROVIDER_DURATION = METER.create_histogram(
    "unionhub.provider.request.duration", "s",
    "Duration of calls to outside providers, by kind (payment, sms, identity), provider and "
    "outcome (observability/provider_calls.py).",
    explicit_bucket_boundaries_advisory=(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30))
