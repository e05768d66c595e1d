"""Mall under load (issue 8, point 5): placeOrder through the real HTTP server on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench REDIS_URL=redis://127.0.0.1:6379/9 \
        python bench/mall_orders.py --url http://127.0.0.1:PORT --server-pid PID

`bench/run.py` runs it against its tracing-on server. Each run makes its own product (so runs
never share stock): 64 SKUs with ample stock and one hot SKU with stock 100, and takes 64 of
the seeded verified members as buyers (access tokens issued with the server's secret).

1. floor: a bare Starlette route (bench/floor_app.py, same uvicorn settings, pinned to the
   server's CPU) returning the exact placeOrder response, under the same client;
2. distinct: 64 concurrent buyers, each ordering its own SKU in a loop for --duration seconds:
   orders/s, absolute and as a ratio to the floor;
3. hot: the 64 buyers all order the hot SKU until it is sold out: exactly 100 orders must
   succeed (the rest OUT_OF_STOCK), and the database must show 100 orders of it and stock 0.

The client is a minimal asyncio HTTP/1.1 keep-alive client (one connection per buyer), cheap
enough that one core drives the server's. Prints one BENCHJSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

PLACE_ORDER = ("mutation PlaceOrder($input: PlaceOrderInput!) { placeOrder(input: $input) { "
               "order { id status payableFen } errors { code } } }")
ADDRESS = {"recipient": "张三", "phone": "13800001234", "regionCode": "610112",
           "detail": "雁塔区科技路 1 号"}
HOT_STOCK = 100


class Connection:
    """One keep-alive HTTP/1.1 connection: POST a body, read the response by Content-Length."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.writer.write(f"POST {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Type: "
                          f"application/json\r\nContent-Length: {len(body)}\r\n{head}\r\n"
                          .encode() + body)
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        length = next(int(v) for k, _, v in (x.partition(":") for x in lines[1:])
                      if k.lower() == "content-length")
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def cpu_seconds(pid: int | None) -> float:
    if not pid:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def body(sku_id: int, key: str) -> bytes:
    return json.dumps({"operationName": "PlaceOrder", "query": PLACE_ORDER, "variables": {
        "input": {"items": [{"skuId": str(sku_id), "quantity": 1}], "address": ADDRESS,
                  "idempotencyKey": key}}}, ensure_ascii=False).encode()


async def prepare(buyers: int, tag: str) -> dict[str, Any]:
    """A fresh product (buyers + 1 SKUs), and `buyers` verified members with their tokens."""
    from unionhub import db
    from unionhub.identity.models import CardStatus, Member, MemberCard, Role
    from unionhub.identity.seed import SYNTHETIC_PREFIX
    from unionhub.identity.tokens import issue_access_token
    from unionhub.mall.catalogue import SkuSpec, create_category, create_product, create_supplier
    from unionhub.mall.models import Category, Supplier

    await db.init_db()
    try:
        supplier = await Supplier.filter(name="压测供应商").first() or await create_supplier(
            name="压测供应商", region_code="610112", region_name="西安市雁塔区", certified=False,
            certificate_no=None)
        category = await Category.filter(name="压测").first() or await create_category("压测", 99)
        specs = [SkuSpec(name=f"规格{i}", price_fen=1000, stock=10_000_000) for i in range(buyers)]
        specs.append(SkuSpec(name="爆款", price_fen=1000, stock=HOT_STOCK))
        product = await create_product(supplier_id=supplier.id, category_id=category.id,
                                       name=f"压测商品 {tag}", description="bench/mall_orders.py",
                                       skus=specs)
        skus = sorted(s.id for s in await product.skus.all())
        active = MemberCard.filter(status=CardStatus.ACTIVE).values("member_id")
        from tortoise.expressions import Subquery

        members = await (Member.filter(display_name__startswith=SYNTHETIC_PREFIX, role=Role.MEMBER,
                                       verified_at__isnull=False, id__in=Subquery(active))
                         .order_by("id").limit(buyers).values_list("id", flat=True))
        if len(members) < buyers:
            raise RuntimeError(f"need {buyers} seeded verified members, found {len(members)}")
        tokens = [issue_access_token(m, Role.MEMBER, None, None) for m in members]
        return {"skus": skus[:buyers], "hot_sku": skus[buyers], "members": list(members),
                "tokens": tokens}
    finally:
        await db.close_db()


async def check_hot(hot_sku: int) -> dict[str, int]:
    from unionhub import db
    from unionhub.mall.models import OrderItem, Sku

    await db.init_db()
    try:
        sku = await Sku.get(id=hot_sku)
        return {"orders": await OrderItem.filter(sku_id=hot_sku).count(), "stock": sku.stock}
    finally:
        await db.close_db()


def summarize(latencies: list[float], ok: int, failed: dict[str, int], took: float,
              cpu: float) -> dict[str, Any]:
    latencies.sort()

    def pct(p: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 2) \
            if latencies else 0.0

    return {"requests": len(latencies), "ok": ok, "failed": failed, "seconds": round(took, 2),
            "rps": round(ok / took, 1), "p50_ms": pct(0.5), "p99_ms": pct(0.99),
            "mean_ms": round(statistics.fmean(latencies) * 1000, 2) if latencies else 0.0,
            "server_cpu_s": round(cpu, 3),
            "cpu_us_per_req": round(cpu / max(len(latencies), 1) * 1e6, 1)}


async def load(url: str, bodies: Any, tokens: list[str], duration: float | None,
               pid: int | None, until_sold_out: bool = False) -> dict[str, Any]:
    """One task per buyer, each on its own connection, posting bodies(buyer, n) back to back
    for `duration` seconds (or until its order fails, with until_sold_out)."""
    target = urlparse(url)
    latencies: list[float] = []
    ok = 0
    failed: dict[str, int] = {}
    deadline = time.perf_counter() + (duration or 3600)

    async def buyer(i: int) -> None:
        nonlocal ok
        conn = Connection(target.hostname or "127.0.0.1", target.port or 80)
        headers = {"Authorization": f"Bearer {tokens[i]}"}
        n = 0
        try:
            while time.perf_counter() < deadline:
                n += 1
                t0 = time.perf_counter()
                status, raw = await conn.post(target.path or "/graphql", bodies(i, n), headers)
                latencies.append(time.perf_counter() - t0)
                document = json.loads(raw) if status == 200 else {}
                payload = (document.get("data") or {}).get("placeOrder") or {}
                if payload.get("order"):
                    ok += 1
                    continue
                # The payload's error codes, else the response's (e.g. SERVICE_UNAVAILABLE).
                code = ",".join(e["code"] for e in payload.get("errors") or []) or ",".join(
                    str((e.get("extensions") or {}).get("code") or e.get("message", "?"))[:60]
                    for e in document.get("errors") or []) or f"HTTP {status}"
                failed[code] = failed.get(code, 0) + 1
                if until_sold_out:
                    return
        finally:
            conn.close()

    cpu0, t0 = cpu_seconds(pid), time.perf_counter()
    await asyncio.gather(*(buyer(i) for i in range(len(tokens))))
    return summarize(latencies, ok, failed, time.perf_counter() - t0, cpu_seconds(pid) - cpu0)


def start_floor(document: dict, cpu: str, workdir: Path) -> tuple[subprocess.Popen, str]:
    import socket

    doc = workdir / "mall-order-document.json"
    doc.write_text(json.dumps(document, ensure_ascii=False))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, str(BENCH / "floor_app.py"), "--document", str(doc), "--port", str(port)]
    proc = subprocess.Popen(["taskset", "-c", cpu, *cmd] if cpu else cmd,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1):
                return proc, f"http://127.0.0.1:{port}/graphql"
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the floor did not start")


async def main(args: argparse.Namespace) -> dict[str, Any]:
    tag = time.strftime("%Y%m%dT%H%M%S")
    setup = await prepare(args.buyers, tag)
    skus, tokens = setup["skus"], setup["tokens"]

    def distinct(i: int, n: int) -> bytes:
        return body(skus[i], f"bench-{tag}-{i}-{n}")

    # One real order: the document the floor returns, and a check that ordering works at all.
    first = Connection(urlparse(args.url).hostname or "127.0.0.1", urlparse(args.url).port or 80)
    status, raw = await first.post("/graphql", distinct(0, 0),
                                   {"Authorization": f"Bearer {tokens[0]}"})
    first.close()
    document = json.loads(raw)
    if status != 200 or not (document.get("data") or {}).get("placeOrder", {}).get("order"):
        raise RuntimeError(f"placeOrder failed: {raw[:400]!r}")
    floor_proc, floor_url = start_floor(document, args.server_cpu, Path(args.workdir))
    try:
        out: dict[str, Any] = {"buyers": args.buyers, "duration": args.duration,
                               "document_bytes": len(raw)}
        out["floor"] = await load(floor_url, distinct, tokens, args.duration, floor_proc.pid)
        out["distinct"] = await load(args.url, distinct, tokens, args.duration, args.server_pid)
    finally:
        floor_proc.terminate()
        floor_proc.wait(timeout=10)
    out["distinct"]["rps_x_floor"] = round(out["distinct"]["rps"] / out["floor"]["rps"], 4)

    def hot(i: int, n: int) -> bytes:
        return body(setup["hot_sku"], f"hot-{tag}-{i}-{n}")

    out["hot"] = await load(args.url, hot, tokens, None, args.server_pid, until_sold_out=True)
    out["hot"]["database"] = await check_hot(setup["hot_sku"])
    hot_ok = out["hot"]["ok"] == HOT_STOCK and out["hot"]["database"] == {
        "orders": HOT_STOCK, "stock": 0} and set(out["hot"]["failed"]) == {"OUT_OF_STOCK"}
    out["hot"]["exactly_stock"] = hot_ok
    return out


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--url", required=True, help="the server's /graphql URL")
    p.add_argument("--server-pid", type=int, default=0, help="for CPU per request")
    p.add_argument("--server-cpu", default="1", help="taskset CPU list for the floor")
    p.add_argument("--buyers", type=int, default=64)
    p.add_argument("--duration", type=float, default=8)
    p.add_argument("--workdir", default="/tmp")
    result = asyncio.run(main(p.parse_args()))
    print("BENCHJSON " + json.dumps(result, ensure_ascii=False), flush=True)
