// Compose subgraph SDL files into a supergraph with @theguild/federation-composition.
// Usage: node compose.mjs --out supergraph.graphql name=path/to/sdl.graphql[@url] ...
// Exits non-zero on any composition error, and on hints that signal a broken contract.
import { readFileSync, writeFileSync } from "node:fs";
import { parse } from "graphql";
import { composeServices } from "@theguild/federation-composition";

const args = process.argv.slice(2);
let out = "supergraph.graphql";
const services = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--out") { out = args[++i]; continue; }
  const [name, rest] = args[i].split("=");
  const [path, url] = rest.split("@");
  services.push({ name, typeDefs: parse(readFileSync(path, "utf8")), url: url || `http://127.0.0.1/${name}/graphql` });
}
const result = composeServices(services);
const errors = result.errors ?? [];
const hints = (result.hints ?? []).map((h) => (typeof h === "string" ? h : h.message ?? String(h)));
// Hints about inconsistent definitions mean two subgraphs disagree on a shared type.
const broken = hints.filter((h) => /INCONSISTENT|inconsistent/.test(h));
for (const e of errors) console.error(`error: ${e.message}`);
for (const h of hints) console.error(`hint: ${h}`);
if (errors.length || broken.length || !result.supergraphSdl) process.exit(1);
writeFileSync(out, result.supergraphSdl);
console.log(`composed ${services.length} subgraphs into ${out}`);
