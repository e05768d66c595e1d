// The urql client: persisted operations by hash (the code generator's sha256, so the console
// runs against a safelist), the bearer token with refresh before expiry, the chosen language.
import { Client, fetchExchange, type Operation } from '@urql/core';
import { authExchange } from '@urql/exchange-auth';
import { persistedExchange } from '@urql/exchange-persisted';
import type { DocumentNode } from 'graphql';
import manifest from '../gql/persisted-documents.json';
import { lang } from '../i18n';
import { loadTokens, needsRefresh, saveTokens, type Tokens } from '../session';
import * as operations from './operations';
import { RefreshMutation } from './operations';

/** The bare sha256 the generator embedded in a document (`__meta__.hash`, "sha256:<hex>"). */
export function documentHash(doc: DocumentNode | { __meta__?: { hash?: string } }): string | null {
  const hash = (doc as { __meta__?: { hash?: string } }).__meta__?.hash;
  return hash ? hash.replace(/^sha256:/, '') : null;
}

/** Gives a generated document the manifest's exact text as its source, which urql sends when
 * the server asks for the text (automatic persisted queries outside a safelist): the text it
 * would print itself differs from the generator's, so its hash would not match. */
export function attachManifestText(doc: DocumentNode): void {
  const hash = documentHash(doc);
  const text = hash ? (manifest as Record<string, string>)[`sha256:${hash}`] : undefined;
  if (!text || doc.loc) return;
  (doc as { loc?: unknown }).loc = {
    start: 0, end: text.length, source: { body: text, name: 'gql', locationOffset: { line: 1, column: 1 } },
  };
}

for (const doc of Object.values(operations)) attachManifestText(doc as unknown as DocumentNode);

const REFRESH_ATTEMPTS = 3;

/** What a refresh came to: a new pair; refused (its payload's errors: TOKEN_EXPIRED,
 * TOKEN_REUSED, TOKEN_REVOKED ...); or unanswered (the network or the server failed). */
export function refreshOutcome(result: {
  data?: { refreshToken: { accessToken?: string | null; refreshToken?: string | null; errors: ReadonlyArray<unknown> } } | null;
}): Tokens | 'refused' | 'unanswered' {
  const pair = result.data?.refreshToken;
  if (pair?.accessToken && pair.refreshToken) return { accessToken: pair.accessToken, refreshToken: pair.refreshToken };
  return pair ? 'refused' : 'unanswered';
}

function isRefresh(operation: Operation): boolean {
  return operation.query === (RefreshMutation as unknown as DocumentNode);
}

export function createClient(url = '/graphql'): Client {
  return new Client({
    url,
    preferGetMethod: false, // production serves no GraphQL over GET
    requestPolicy: 'network-only', // figures are always the API's current ones
    fetchOptions: () => ({
      headers: { 'Accept-Language': lang(), 'X-UnionHub-Request': '1' },
    }),
    exchanges: [
      authExchange(async (utils) => ({
        addAuthToOperation(operation) {
          const tokens = loadTokens();
          if (!tokens || isRefresh(operation)) return operation;
          return utils.appendHeaders(operation, { Authorization: `Bearer ${tokens.accessToken}` });
        },
        willAuthError(operation) {
          const tokens = loadTokens();
          return !!tokens && !isRefresh(operation) && needsRefresh(tokens.accessToken, Date.now());
        },
        didAuthError(error) {
          return error.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED');
        },
        async refreshAuth() {
          const tokens = loadTokens();
          if (!tokens) return;
          for (let attempt = 1; ; attempt++) {
            const result = await utils.mutate(RefreshMutation, {
              input: { refreshToken: tokens.refreshToken },
            });
            const got = refreshOutcome(result);
            // A refused refresh ends the session: the app returns to sign-in.
            if (got !== 'unanswered') return saveTokens(got === 'refused' ? null : got);
            // No answer is no refusal: ask again, then keep the session (the operation shows
            // its own failure) rather than sign a person out over a dropped connection.
            if (attempt >= REFRESH_ATTEMPTS) return;
            await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
          }
        },
      })),
      persistedExchange({
        enableForMutation: true,
        preferGetForPersistedQueries: false,
        // The generator's hash; documents without one are sent with their text.
        generateHash: async (_query, document) => documentHash(document),
      }),
      fetchExchange,
    ],
  });
}
