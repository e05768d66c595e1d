// What every page of a run is held to, whatever its scenario: each GraphQL operation the
// console sends is a registered one (sent by its hash alone, that hash in the manifest the
// safelist server was given, never answered PERSISTED_QUERY_*: an operation missing from the
// manifest fails in safelist mode, as sign-out once would have), and the page breaks none of its
// Content-Security-Policy (an inline style the policy refuses, a script from elsewhere ...).
import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('../src/gql/persisted-documents.json', import.meta.url), 'utf8'));
const sent = new Set(); // operation names
const unregistered = []; // what went wrong, per request
const violations = [];
const pending = [];

// Against a server that is not in safelist mode (`node e2e/run.mjs` beside `make up`) the
// console's first use of an operation sends its text after PERSISTED_QUERY_NOT_FOUND, as APQ
// does: only the hashes are checked then. tests/test_console_browser.py sets SAFELIST=1.
const SAFELIST = process.env.SAFELIST === '1';

async function inspect(request) {
  let body;
  try {
    body = request.postDataJSON() ?? {};
  } catch (e) {
    unregistered.push(`a request that is not JSON: ${e}`);
    return;
  }
  const name = body.operationName ?? '(no name)';
  sent.add(name);
  const hash = body.extensions?.persistedQuery?.sha256Hash;
  if (!hash || !(`sha256:${hash}` in manifest)) unregistered.push(`${name}: its hash is not in the manifest`);
  if (!SAFELIST) return;
  if (body.query) unregistered.push(`${name}: sent its text, not its hash alone`);
  const response = await request.response();
  const answer = response ? await response.json().catch(() => null) : null;
  for (const e of answer?.errors ?? []) {
    const code = e.extensions?.code ?? '';
    if (code.startsWith('PERSISTED_QUERY')) unregistered.push(`${name}: ${code}`);
  }
}

/** Watch a browser context's requests to `${base}/graphql` and its pages' CSP violations. */
export async function watch(context, base) {
  await context.exposeFunction('__cspViolation', (v) => violations.push(v));
  await context.addInitScript(() => document.addEventListener('securitypolicyviolation',
    (e) => globalThis.__cspViolation(`${e.effectiveDirective} ${e.blockedURI} ${e.sample} at ${e.sourceFile}:${e.lineNumber}`)));
  context.on('requestfinished', (request) => {
    if (request.url() === `${base}/graphql` && request.method() === 'POST') pending.push(inspect(request));
  });
}

/** The checks once every scenario ran: `mustSend` names operations the run must have sent. */
export async function verdict(check, mustSend = []) {
  await Promise.allSettled(pending);
  check(unregistered.length === 0 && sent.size > 0,
    `every operation the console sent is registered (${[...sent].sort().join(', ')})${unregistered.length ? `: ${unregistered.join('; ')}` : ''}`);
  const missing = mustSend.filter((name) => !sent.has(name));
  if (mustSend.length) check(missing.length === 0, `the run sent ${mustSend.join(', ')}${missing.length ? ` (not: ${missing.join(', ')})` : ''}`);
  check(violations.length === 0, `no page broke its Content-Security-Policy${violations.length ? `: ${violations.join('; ')}` : ''}`);
}
