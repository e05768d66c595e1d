// The GraphQL-over-HTTP conformance audit (graphql-http's auditServer) against a running
// server: `node audit.mjs http://127.0.0.1:PORT/graphql`. Every MUST and SHOULD audit must
// pass: prints one line per audit and exits 1 on any warning (SHOULD) or error (MUST). A
// notice is a MAY left out on purpose: GET queries without a preflight header are refused
// (CSRF prevention, docs/errors.md).
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs URL');
  process.exit(2);
}
const results = await auditServer({ url });
let failed = 0;
for (const result of results) {
  const ok = result.status === 'ok';
  if (result.status === 'warn' || result.status === 'error') failed += 1;
  const reason = ok ? '' : ` -- ${result.reason}`;
  console.log(`${result.status.padEnd(6)} ${result.id} ${result.name}${reason}`);
}
console.log(`audit: ${results.length} audits, ${failed} MUST or SHOULD not met`);
process.exit(failed ? 1 : 0);
