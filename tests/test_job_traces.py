"""A periodic job's run is one trace (unionhub/jobs.py): its database statements are children of
a `job <name>` span, so a slow run shows which statement, and a failed run is a failed span
(type only) whose trace id is on the one log line that says which job failed and why."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import sys

import pytest
from opentelemetry.trace import StatusCode

from tests.processes import ROOT, stopped
from unionhub import db, jobs
from unionhub.observability import metrics_setup
from unionhub.observability.logs import JsonFormatter

PHONE = "13812345678"


@pytest.fixture(autouse=True)
def _forget_test_jobs():
    """The lag gauge keeps every job a process ran (observability/metrics_setup.py)."""
    yield
    for name in ("test.traced_counts", "test.traced_breaks"):
        metrics_setup._jobs.pop(name, None)
        metrics_setup._last_runs.pop(name, None)


def _job_spans(spans, name: str):
    return [s for s in spans.get_finished_spans() if s.name == f"job {name}"]


async def test_a_jobs_statements_are_children_of_its_span(spans):
    async def counts() -> None:
        await db.conn().execute_query("SELECT count(*) FROM members")

    await jobs.run_job(jobs.PeriodicJob("test.traced_counts", counts, every_seconds=60))
    [job] = _job_spans(spans, "test.traced_counts")
    assert job.attributes["unionhub.job.name"] == "test.traced_counts"
    assert job.status.status_code is StatusCode.UNSET
    [statement] = [s for s in spans.get_finished_spans() if s.name == "SELECT members"]
    assert statement.context.trace_id == job.context.trace_id
    assert statement.parent is not None and statement.parent.span_id == job.context.span_id


async def test_a_failed_run_is_a_failed_span_and_one_log_line_with_its_trace(spans):
    async def breaks() -> None:
        raise RuntimeError(f"the rail said {PHONE}")  # a message may hold anything

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())  # what `unionhub worker` installs (at emit time)
    logger = logging.getLogger("unionhub.jobs")
    logger.addHandler(handler)
    try:
        with pytest.raises(RuntimeError):
            await jobs.run_job(jobs.PeriodicJob("test.traced_breaks", breaks, every_seconds=60))
    finally:
        logger.removeHandler(handler)
    [job] = _job_spans(spans, "test.traced_breaks")
    assert job.status.status_code is StatusCode.ERROR
    assert job.status.description == "RuntimeError"
    assert PHONE not in str([e.attributes for e in job.events])
    [line] = stream.getvalue().splitlines()
    record = json.loads(line)
    assert "test.traced_breaks" in record["message"] and "RuntimeError" in record["exception"]
    assert PHONE not in line  # the log line keeps the type, as the span does
    assert record["trace_id"] == format(job.context.trace_id, "032x")


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="the worker needs REDIS_URL (arq)")
async def test_the_worker_traces_its_job_runs():
    """`unionhub worker` as a real process, spans printed by the console exporter: its runs
    are `job <name>` spans with their statements under them (it set up no tracing at all, so
    a slow or failing job's statements were never seen)."""
    env = {**os.environ, "OTEL_TRACES_EXPORTER": "console", "OTEL_BSP_SCHEDULE_DELAY": "100"}
    env.pop("UNIONHUB_WORKER_METRICS_PORT", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "unionhub.cli", "worker", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    spans: list[dict] = []
    try:
        async with asyncio.timeout(60):
            while not any(s["name"].startswith("job ") for s in spans):
                line = await process.stdout.readline()
                if not line:
                    break
                if line.startswith(b"{"):
                    spans.append(json.loads(line))
    except TimeoutError:
        pass
    finally:
        err = await stopped(process)
    jobs_run = [s for s in spans if s["name"].startswith("job ")]
    assert jobs_run, f"no job span in {len(spans)} spans; stderr: {err.decode()[-2000:]}"
    run = jobs_run[0]
    assert run["attributes"]["unionhub.job.name"] == run["name"].removeprefix("job ")
    children = [s for s in spans if s["parent_id"] == run["context"]["span_id"]]
    assert children and all(s["context"]["trace_id"] == run["context"]["trace_id"]
                            for s in children), spans


async def test_a_hung_job_times_out_in_the_embedded_scheduler(caplog):
    """The app's own scheduler (no REDIS_URL) gives a run the worker's deadline: a run that
    hangs is cancelled, counted failed and logged, and the job runs again on its interval
    (before, it hung its loop for good, unseen but for the lag)."""
    from tests.metrics_helpers import total

    async def hangs() -> None:
        await asyncio.Event().wait()

    job = jobs.PeriodicJob("test.traced_hangs", hangs, every_seconds=3600, timeout_seconds=1)
    failed = {"unionhub.job.name": job.name, "outcome": "failed"}
    before = total("unionhub.job.runs", failed)
    stop = asyncio.Event()
    caplog.set_level(logging.ERROR, logger="unionhub.jobs")
    loop = asyncio.create_task(jobs.run_in_process(stop, [job]))
    try:
        for _ in range(100):  # until the run is cancelled and counted, 10 s at most
            if total("unionhub.job.runs", failed) > before:
                break
            await asyncio.sleep(0.1)
    finally:
        stop.set()
        await asyncio.wait_for(loop, 5)
        metrics_setup._jobs.pop(job.name, None)
    assert total("unionhub.job.runs", failed) == before + 1
    assert any("test.traced_hangs timed out after 1 s" in r.getMessage() for r in caplog.records)
