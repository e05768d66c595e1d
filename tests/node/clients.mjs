// Maintained GraphQL clients against a running server (tests/test_node_clients.py starts it
// and the accounts): `node clients.mjs URL` with UNIONHUB_PHONE, UNIONHUB_CADRE_PHONE,
// UNIONHUB_PASSWORD and UNIONHUB_UNION_ID in the environment.
//
// Apollo Client 4 with automatic persisted queries over POST and over hashed GET, and urql:
// sign-in, token refresh, a paged list, a mutation with `errors`, a refusal with its code.
// Prints one line per check ("ok ..." / "not ok ...") and exits 1 if any fails.
import { createHash } from 'node:crypto';
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { Client, fetchExchange } from '@urql/core';

const url = process.argv[2];
const env = process.env;
const results = [];
const check = (name, ok, detail = '') => {
  results.push(ok);
  console.log(`${ok ? 'ok' : 'not ok'} ${name}${ok ? '' : ` -- ${detail}`}`);
};

const LOGIN = gql`mutation Login($input: LoginInput!) {
  login(input: $input) { accessToken refreshToken errors { code field message } } }`;
const REFRESH = gql`mutation Refresh($input: RefreshTokenInput!) {
  refreshToken(input: $input) { accessToken refreshToken errors { code } } }`;
const ME = gql`query Me { me { id displayName } }`;
const MEMBERS = gql`query Members($unionId: ID!, $first: Int!, $after: String) {
  members(unionId: $unionId, first: $first, after: $after) {
    edges { node { id } } pageInfo { hasNextPage endCursor } } }`;

// Every request the clients send, for the checks on method and body.
const sent = [];
const recordingFetch = async (input, init = {}) => {
  const target = new URL(typeof input === 'string' ? input : input.url);
  sent.push({ method: init.method || 'GET', hashOnly: isHashOnly(target, init) });
  return fetch(input, init);
};
function isHashOnly(target, init) {
  if ((init.method || 'GET') === 'GET') {
    return target.searchParams.has('extensions') && !target.searchParams.has('query');
  }
  const body = JSON.parse(init.body || '{}');
  return Boolean(body.extensions?.persistedQuery) && !body.query;
}

function apollo(useGETForHashedQueries) {
  const sha256 = (text) => createHash('sha256').update(text).digest('hex');
  return new ApolloClient({
    cache: new InMemoryCache(),
    link: new PersistedQueryLink({ sha256, useGETForHashedQueries }).concat(
      new HttpLink({ uri: url, fetch: recordingFetch })),
    defaultOptions: { query: { fetchPolicy: 'network-only', errorPolicy: 'all' },
      mutate: { errorPolicy: 'all' } },
  });
}
const auth = (token) => ({ headers: { authorization: `Bearer ${token}` } });
const codes = (error) => (error?.errors || []).map((e) => e.extensions?.code);

async function apolloChecks(mode, useGET) {
  const client = apollo(useGET);
  // A mutation with `errors`: a wrong password is a UserError, not a GraphQL error.
  const wrong = await client.mutate({ mutation: LOGIN, variables: {
    input: { phone: env.UNIONHUB_PHONE, password: 'not-the-password-1' } } });
  const userErrors = wrong.data?.login?.errors || [];
  check(`${mode}: a mutation answers its errors`, userErrors[0]?.code === 'INVALID_CREDENTIALS',
    JSON.stringify(wrong));

  // Sign-in, then a refresh, then a query with the refreshed token.
  const login = await client.mutate({ mutation: LOGIN, variables: {
    input: { phone: env.UNIONHUB_PHONE, password: env.UNIONHUB_PASSWORD } } });
  const tokens = login.data?.login;
  check(`${mode}: sign-in`, Boolean(tokens?.accessToken) && tokens.errors.length === 0,
    JSON.stringify(login));
  const refreshed = await client.mutate({ mutation: REFRESH, variables: {
    input: { refreshToken: tokens?.refreshToken } } });
  const fresh = refreshed.data?.refreshToken;
  check(`${mode}: token refresh`, Boolean(fresh?.accessToken) && fresh.refreshToken !== tokens?.refreshToken,
    JSON.stringify(refreshed));
  const before = sent.length;
  const me = await client.query({ query: ME, context: auth(fresh?.accessToken) });
  check(`${mode}: a query with the refreshed token`, Boolean(me.data?.me?.id), JSON.stringify(me));
  const again = await client.query({ query: ME, context: auth(fresh?.accessToken) });
  const last = sent[sent.length - 1];
  check(`${mode}: the repeated query is sent by hash only (${useGET ? 'GET' : 'POST'})`,
    Boolean(again.data?.me?.id) && last.hashOnly && last.method === (useGET ? 'GET' : 'POST'),
    JSON.stringify({ again, requests: sent.slice(before) }));

  // A refusal with its code.
  const guest = await client.query({ query: ME });
  check(`${mode}: a refusal carries its code`, codes(guest.error).includes('UNAUTHENTICATED'),
    JSON.stringify(guest));
}

async function pagedList(client, token, preflight) {
  const seen = [];
  let after = null;
  for (let page = 0; page < 10; page += 1) {
    const result = await client.query(MEMBERS, { unionId: env.UNIONHUB_UNION_ID, first: 2, after },
      { fetchOptions: { headers: { ...preflight, authorization: `Bearer ${token}` } } }).toPromise();
    if (result.error) return { error: result.error.message };
    const connection = result.data.members;
    seen.push(...connection.edges.map((e) => e.node.id));
    if (!connection.pageInfo.hasNextPage) break;
    after = connection.pageInfo.endCursor;
  }
  return { seen };
}

async function urqlChecks() {
  // urql sends queries as GET without a Content-Type: its documented set-up for UnionHub
  // adds the preflight header (docs/errors.md), which a plain form or link cannot send.
  const preflight = { 'X-UnionHub-Request': '1' };
  const client = new Client({ url, exchanges: [fetchExchange], requestPolicy: 'network-only',
    fetchOptions: { headers: preflight } });
  const login = await client.mutation(LOGIN, {
    input: { phone: env.UNIONHUB_CADRE_PHONE, password: env.UNIONHUB_PASSWORD } }).toPromise();
  const token = login.data?.login?.accessToken;
  check('urql: sign-in', Boolean(token), JSON.stringify(login));
  const { seen, error } = await pagedList(client, token, preflight);
  check('urql: a paged list, page by page, no duplicates',
    !error && seen.length >= 5 && new Set(seen).size === seen.length, JSON.stringify({ seen, error }));
  const guest = await client.query(ME, {}).toPromise();
  check('urql: a refusal carries its code',
    (guest.error?.graphQLErrors || []).some((e) => e.extensions?.code === 'UNAUTHENTICATED'),
    JSON.stringify(guest.error));
  const bad = await client.query('{ me { nope } }', {}).toPromise();
  check('urql: a validation error carries its code',
    (bad.error?.graphQLErrors || []).some((e) => e.extensions?.code === 'GRAPHQL_VALIDATION_FAILED'),
    JSON.stringify(bad.error));
}

await apolloChecks('apollo APQ over POST', false);
await apolloChecks('apollo APQ over hashed GET', true);
await urqlChecks();
const failed = results.filter((ok) => !ok).length;
console.log(`clients: ${results.length} checks, ${failed} failed`);
process.exit(failed ? 1 : 0);
