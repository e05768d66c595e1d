// The API as the e2e suite checks it: the console's own persisted operations, sent by hash
// alone (so they run against a safelist too), with the operation's sha256 from the manifest.
import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('../src/gql/persisted-documents.json', import.meta.url), 'utf8'));
const byName = new Map();
for (const [hash, text] of Object.entries(manifest)) {
  const m = /(?:^|\s)(?:query|mutation)\s+(\w+)/.exec(text);
  if (m) byName.set(m[1], hash.replace(/^sha256:/, ''));
}

export async function api(base, operationName, variables = {}, token = null) {
  const sha256Hash = byName.get(operationName);
  if (!sha256Hash) throw new Error(`no persisted operation ${operationName}`);
  let body = await post(base, operationName, variables, token, sha256Hash, null);
  if (body.errors?.[0]?.extensions?.code === 'PERSISTED_QUERY_NOT_FOUND') {
    // Not in a safelist: the automatic persisted queries' second step sends the text.
    body = await post(base, operationName, variables, token, sha256Hash, manifest[`sha256:${sha256Hash}`]);
  }
  if (body.errors) throw new Error(`${operationName}: ${JSON.stringify(body.errors)}`);
  return body.data;
}

async function post(base, operationName, variables, token, sha256Hash, query) {
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json', 'Accept-Language': 'zh-CN',
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({
      operationName, variables, extensions: { persistedQuery: { version: 1, sha256Hash } },
      ...(query ? { query } : {}),
    }),
  });
  return res.json();
}

export async function signIn(base, phone, password = 'demo-pass-2026') {
  const data = await api(base, 'ConsoleLogin', { input: { phone, password } });
  if (!data.login.accessToken) throw new Error(`login ${phone}: ${JSON.stringify(data.login.errors)}`);
  return data.login.accessToken;
}
