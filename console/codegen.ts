// Typed operations from the committed schema snapshot (client preset) and the
// persisted-documents manifest (sha256 of each operation's text -> text) that
// `unionhub operations add persisted-documents.json` registers for safelist mode.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: ['../unionhub/schema/snapshots/platform.graphql', 'federation.graphql'],
  documents: ['src/**/*.ts', 'src/**/*.tsx', '!src/gql/**/*'],
  ignoreNoDocuments: false,
  generates: {
    './src/gql/': {
      preset: 'client',
      config: {
        scalars: { DateTime: 'string', Date: 'string', JSON: 'unknown', Fen: 'number' },
        enumsAsTypes: true,
        useTypeImports: true,
      },
      presetConfig: {
        fragmentMasking: false,
        persistedDocuments: { mode: 'embedHashInDocument', hashAlgorithm: 'sha256' },
      },
    },
  },
};
export default config;
