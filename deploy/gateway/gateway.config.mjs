// Hive Gateway configuration for UnionHub (started by `unionhub gateway`).
// Every subgraph request carries the router secret (only the router may call _entities/_service),
// and the client's Authorization and W3C trace context, so one trace spans gateway and subgraphs,
// and its Accept-Language, so the subgraphs answer in the client's language.
import { randomBytes } from "node:crypto";

import { defineConfig } from "@graphql-hive/gateway";
import { unifiedGraphHandler } from "@graphql-hive/router-runtime";
import { trace } from "@opentelemetry/api";

// With its own tracing on (OPENTELEMETRY=<OTLP endpoint>), the gateway continues the client's
// trace and injects its own span's traceparent into subgraph calls; without it, pass the
// client's trace context through so the subgraphs still join the client's trace.
const gatewayTraces = Boolean(process.env.OPENTELEMETRY);
const forwarded = gatewayTraces
  ? ["authorization", "accept-language"]
  : ["authorization", "accept-language", "tracestate"];
const routerSecret = process.env.UNIONHUB_ROUTER_SECRET;
if (!routerSecret) throw new Error("UNIONHUB_ROUTER_SECRET must be set for the gateway");

// The client gets the trace id in `extensions.traceId`, as from a subgraph itself (issue 19):
// the gateway's own span's trace when it traces, else the trace the subgraphs continue: the
// client's traceparent, or one made here per request and sent to every subgraph it calls.
const VALID_TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;
const madeTraceparents = new WeakMap();

function passedTraceparent(request) {
  const given = request.headers.get("traceparent");
  if (given && VALID_TRACEPARENT.test(given)) return given;
  let made = madeTraceparents.get(request);
  if (!made) {
    made = `00-${randomBytes(16).toString("hex")}-${randomBytes(8).toString("hex")}-01`;
    madeTraceparents.set(request, made);
  }
  return made;
}

function traceIdOf(context) {
  const otel = context?.openTelemetry;
  if (otel) {
    const span = trace.getSpan(otel.getActiveContext());
    const traceId = span?.spanContext().traceId;
    if (traceId && traceId !== "0".repeat(32)) return traceId;
  }
  return context?.request ? VALID_TRACEPARENT.exec(passedTraceparent(context.request))[1] : null;
}

const traceIdInExtensions = {
  onExecute({ args }) {
    return {
      onExecuteDone({ result, setResult }) {
        if (!result || typeof result[Symbol.asyncIterator] === "function") return;
        const traceId = traceIdOf(args.contextValue);
        if (traceId) setResult({ ...result, extensions: { ...result.extensions, traceId } });
      },
    };
  },
};

// Hive Router's query planner and executor (a native addon in @graphql-hive/router-runtime)
// instead of the default JavaScript runtime: +31% req/s on the lookup and +14% on the home screen
// through the gateway, pinned (bench/results/20261205T0450-quiet-round.md).
// UNIONHUB_GATEWAY_RUNTIME=stitching serves with the default runtime.
const routerRuntime = process.env.UNIONHUB_GATEWAY_RUNTIME !== "stitching";

export const gatewayConfig = defineConfig({
  ...(routerRuntime ? { unifiedGraphHandler } : {}),
  supergraph: process.env.UNIONHUB_SUPERGRAPH ?? "./supergraph.graphql",
  // Front-end teams see the subgraphs' own errors; no landing page or GraphiQL in front of them.
  graphiql: false,
  landingPage: false,
  propagateHeaders: {
    fromClientToSubgraphs({ request }) {
      const headers = { "x-unionhub-router": routerSecret };
      for (const name of forwarded) {
        const value = request.headers.get(name);
        if (value) headers[name] = value;
      }
      if (!gatewayTraces) headers.traceparent = passedTraceparent(request);
      return headers;
    },
  },
  plugins: () => [traceIdInExtensions],
});
