// Hive Gateway configuration for UnionHub (started by `unionhub gateway`).
// Every subgraph request carries the router secret (only the router may call _entities/_service),
// and the client's Authorization and W3C trace context, so one trace spans gateway and subgraphs.
import { defineConfig } from "@graphql-hive/gateway";

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
      for (const name of ["authorization", "traceparent", "tracestate"]) {
        const value = request.headers.get(name);
        if (value) headers[name] = value;
      }
      return headers;
    },
  },
});
