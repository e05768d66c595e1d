// Hive Gateway configuration for UnionHub (started by `unionhub gateway`).
// Every subgraph request carries the router secret (only the router may call _entities/_service),
// and the client's Authorization and W3C trace context, so one trace spans gateway and subgraphs,
// and its Accept-Language, so the subgraphs answer in the client's language.
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";

import { defineConfig } from "@graphql-hive/gateway";
import { unifiedGraphHandler } from "@graphql-hive/router-runtime";
import { trace } from "@opentelemetry/api";
import { parse } from "graphql";

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

// Persisted operations at the gateway: the manifest `unionhub operations add` writes (JSON of
// sha256 hex → text, the platform's UNIONHUB_PERSISTED_OPERATIONS_FILE). A request carrying
// only `extensions.persistedQuery.sha256Hash` runs the registered text (checked to parse at
// start). The text, not a parsed document: the planner plans from the document's source text,
// which the gateway records only when it parses; its parse, validation and plan caches then
// hold the document as for a client sending the text. Text still runs unless UNIONHUB_PERSISTED_OPERATIONS_ONLY
// is true (then only hashes, PERSISTED_QUERY_REQUIRED otherwise). Error codes as the platform's.
function persistedDocuments(path, only) {
  if (!path) return undefined;
  const documents = new Map();
  for (const [hash, text] of Object.entries(JSON.parse(readFileSync(path, "utf8")))) {
    if (createHash("sha256").update(text).digest("hex") !== hash) {
      throw new Error(`persisted operation ${hash.slice(0, 12)}… does not match its text`);
    }
    parse(text);  // a broken manifest stops the gateway at start, not a request later
    documents.set(hash, text);
  }
  return {
    getPersistedOperation: (hash) => documents.get(hash) ?? null,
    allowArbitraryDocuments: !only,
    customErrors: {
      notFound: { message: "PersistedQueryNotFound",
                  extensions: { code: "PERSISTED_QUERY_NOT_FOUND" } },
      persistedQueryOnly: { message: "this server runs only registered operations",
                            extensions: { code: "PERSISTED_QUERY_REQUIRED" } },
      keyNotFound: { message: "this server runs only registered operations",
                     extensions: { code: "PERSISTED_QUERY_REQUIRED" } },
    },
  };
}
// A switch the platform reads too: the spellings its settings (pydantic) take for on, so
// UNIONHUB_PERSISTED_OPERATIONS_ONLY=1 cannot put the subgraphs in safelist mode and not the gateway.
const switchedOn = (value) => ["1", "true", "t", "yes", "y", "on"].includes(
  (value ?? "").trim().toLowerCase());
const persisted = persistedDocuments(process.env.UNIONHUB_PERSISTED_OPERATIONS_FILE,
                                     switchedOn(process.env.UNIONHUB_PERSISTED_OPERATIONS_ONLY));

// Subgraph calls over plain node:http with a keep-alive agent (UNIONHUB_GATEWAY_FETCH=standard
// goes back to Hive Gateway's fetch). The default fetch also keeps connections alive, but streams
// every response body through a pipeline whose finish aborts an AbortController, building a
// DOMException per call; the subgraphs answer small JSON, read whole here. Anything but a plain
// http POST with a string body (or an aborted signal) goes to Node's own fetch.
const subgraphAgent = new Agent({ keepAlive: true, maxSockets: 256, scheduling: "lifo" });

class SubgraphResponse {
  constructor(res, text) {
    this.status = res.statusCode;
    this.statusText = res.statusMessage;
    this.ok = this.status >= 200 && this.status < 300;
    this.raw = res.headers;
    this.body_ = text;
    this.headers = {
      get: (name) => {
        const value = res.headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
      },
      has: (name) => name.toLowerCase() in res.headers,
      entries: () => Object.entries(res.headers)[Symbol.iterator](),
    };
  }
  text() { return Promise.resolve(this.body_); }
  json() { return Promise.resolve(JSON.parse(this.body_)); }
}

function plainHeaders(headers) {
  if (!headers) return {};
  if (typeof headers.entries === "function" && !Array.isArray(headers)) {
    return Object.fromEntries(headers.entries());
  }
  return Array.isArray(headers) ? Object.fromEntries(headers) : { ...headers };
}

function leanFetch(url, init, fallback) {
  if (typeof url !== "string" || !url.startsWith("http://") || init?.method !== "POST" ||
      typeof init.body !== "string" || init.signal?.aborted) {
    return fallback(url, init);
  }
  return new Promise((resolve, reject) => {
    const headers = plainHeaders(init.headers);
    headers["content-length"] = Buffer.byteLength(init.body);
    const req = httpRequest(url, { method: "POST", agent: subgraphAgent, headers }, (res) => {
      const chunks = [];
      res.on("data", (chunk) => chunks.push(chunk));
      res.on("end", () => resolve(new SubgraphResponse(res, Buffer.concat(chunks).toString())));
      res.on("error", reject);
    });
    req.on("error", reject);
    if (init.signal) {
      const abort = () => req.destroy(init.signal.reason);
      init.signal.addEventListener("abort", abort, { once: true });
      req.on("close", () => init.signal.removeEventListener("abort", abort));
    }
    req.end(init.body);
  });
}

// The gateway's base fetch, so its own wrappers (trace context injection) still wrap it; calls
// this does not handle go to Node's fetch.
const leanSubgraphFetch = process.env.UNIONHUB_GATEWAY_FETCH !== "standard"
  ? (url, init) => leanFetch(url, init, globalThis.fetch)
  : null;

export const gatewayConfig = defineConfig({
  ...(persisted ? { persistedDocuments: persisted } : {}),
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
  ...(leanSubgraphFetch ? { fetchAPI: { fetch: leanSubgraphFetch } } : {}),
  plugins: () => [traceIdInExtensions],
});
