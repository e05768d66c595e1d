// Hive Gateway configuration for UnionHub (started by `unionhub gateway`).
// Every subgraph request carries the router secret (only the router may call _entities/_service),
// and the client's Authorization and W3C trace context, so one trace spans gateway and subgraphs,
// and its Accept-Language, so the subgraphs answer in the client's language.
import { defineConfig } from "@graphql-hive/gateway";

// With its own tracing on (OPENTELEMETRY=<OTLP endpoint>), the gateway continues the client's
// trace and injects its own span's traceparent into subgraph calls; without it, pass the
// client's trace context through so the subgraphs still join the client's trace.
const gatewayTraces = Boolean(process.env.OPENTELEMETRY);
const forwarded = gatewayTraces
  ? ["authorization", "accept-language"]
  : ["authorization", "accept-language", "traceparent", "tracestate"];
const routerSecret = process.env.UNIONHUB_ROUTER_SECRET;
if (!routerSecret) throw new Error("UNIONHUB_ROUTER_SECRET must be set for the gateway");

export const gatewayConfig = defineConfig({
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
      return headers;
    },
  },
});
