"""`unionhub gateway`: compose the subgraphs' SDL into a supergraph (deploy/gateway/compose.mjs)
and serve it with Hive Gateway (deploy/gateway/gateway.config.mjs). Needs
`npm ci --prefix deploy/gateway` and UNIONHUB_ROUTER_SECRET shared with the subgraphs."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from unionhub.domains import DOMAINS

# Where the gateway's package.json and its `npm ci` live; UNIONHUB_GATEWAY_DIR moves it (an
# install outside the source tree).
GATEWAY_DIR = Path(os.environ.get("UNIONHUB_GATEWAY_DIR")
                   or Path(__file__).resolve().parents[1] / "deploy" / "gateway")


def require_installed() -> None:
    """One line instead of Node's module-not-found trace when `npm ci` has not been run."""
    if shutil.which("node") is None:
        raise SystemExit("unionhub: node is not installed; `unionhub gateway` needs Node.js 20+")
    if not (GATEWAY_DIR / "node_modules" / ".bin" / "hive-gateway").exists():
        raise SystemExit("unionhub: Hive Gateway is not installed: run "
                         "`npm ci --prefix deploy/gateway` first")


def default_urls(base_port: int = 8001, host: str = "127.0.0.1") -> dict[str, str]:
    return {d: f"http://{host}:{base_port + i}/graphql" for i, d in enumerate(DOMAINS)}


def compose(urls: dict[str, str], out: Path) -> None:
    """Compose this code's subgraph SDL (the same SDL each subgraph serves) routed to `urls`."""
    from unionhub.schema.builder import build_schema

    node = shutil.which("node")
    if node is None:
        raise SystemExit("node is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        args = []
        for domain in DOMAINS:
            path = Path(tmp) / f"{domain}.graphql"
            path.write_text(build_schema(domain).as_str(), encoding="utf-8")
            args.append(f"{domain}={path}@{urls[domain]}")
        argv = [node, str(GATEWAY_DIR / "compose.mjs"), "--out", str(out), *args]
        result = subprocess.run(argv, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise SystemExit(f"composition failed:\n{result.stderr}")


def command(supergraph: Path, host: str, port: int) -> list[str]:
    binary = GATEWAY_DIR / "node_modules" / ".bin" / "hive-gateway"
    if not binary.exists():
        raise SystemExit("Hive Gateway is not installed: npm ci --prefix deploy/gateway")
    return [str(binary), "supergraph", str(supergraph), "--config-path",
            str(GATEWAY_DIR / "gateway.config.mjs"), "--host", host, "--port", str(port)]


def environment() -> dict[str, str]:
    from unionhub.settings import get_settings

    env = dict(os.environ)
    env.setdefault("UNIONHUB_ROUTER_SECRET", get_settings().router_secret)
    env.setdefault("NODE_ENV", "production")
    return env


def run(urls: dict[str, str], host: str, port: int, supergraph: Path) -> None:
    compose(urls, supergraph)
    print(f"composed {supergraph}; gateway at http://{host}:{port}/graphql")
    argv = command(supergraph, host, port)
    os.execve(argv[0], argv, environment())  # noqa: S606 (a fixed binary, no shell)
