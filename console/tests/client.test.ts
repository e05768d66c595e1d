import { createRequest, stringifyDocument } from '@urql/core';
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import manifest from '../src/gql/persisted-documents.json';
import { documentHash, refreshOutcome } from '../src/api/client';
import * as ops from '../src/api/operations';
import { dictionaries } from '../src/i18n';

describe('persisted operations', () => {
  it("sends each operation by its manifest hash, the sha256 of the manifest's text", () => {
    const entries = manifest as Record<string, string>;
    for (const doc of Object.values(ops)) {
      const hash = documentHash(doc as never);
      expect(hash).toMatch(/^[0-9a-f]{64}$/);
      const text = entries[`sha256:${hash}`];
      expect(text).toBeDefined();
      expect(createHash('sha256').update(text).digest('hex')).toBe(hash);
    }
  });
});

describe('the safelist', () => {
  it('registers only what the console sends: each operation is used, and the manifest holds no other', () => {
    const src = new URL('../src/', import.meta.url).pathname;
    const files = (readdirSync(src, { recursive: true }) as string[])
      .filter((f) => /\.tsx?$/.test(f) && !f.startsWith('gql') && !f.endsWith('operations.ts'))
      .map((f) => readFileSync(join(src, f), 'utf8'));
    const unused = Object.keys(ops).filter((name) => !files.some((text) => new RegExp(`\\b${name}\\b`).test(text)));
    expect(unused).toEqual([]);
    expect(Object.keys(manifest).length).toBe(Object.keys(ops).length);
  });
});

describe('automatic persisted queries', () => {
  it("sends the manifest's text when the server asks for it, so that the hash matches", () => {
    const entries = manifest as Record<string, string>;
    for (const doc of Object.values(ops)) {
      const request = createRequest(doc as never, {});
      const text = stringifyDocument(request.query);
      expect(createHash('sha256').update(text).digest('hex')).toBe(documentHash(doc as never));
      expect(text).toBe(entries[`sha256:${documentHash(doc as never)}`]);
    }
  });
});

describe('i18n', () => {
  it('has every key in both languages', () => {
    expect(Object.keys(dictionaries.en).sort()).toEqual(Object.keys(dictionaries['zh-CN']).sort());
    for (const v of Object.values(dictionaries.en)) expect(v).not.toBe('');
  });
});

describe('refresh', () => {
  it('ends the session only when the refresh is refused, not when it went unanswered', () => {
    expect(refreshOutcome({ data: { refreshToken: { accessToken: 'a', refreshToken: 'r', errors: [] } } }))
      .toEqual({ accessToken: 'a', refreshToken: 'r' });
    expect(refreshOutcome({ data: { refreshToken: { accessToken: null, refreshToken: null, errors: [{ code: 'TOKEN_REVOKED' }] } } }))
      .toBe('refused');
    expect(refreshOutcome({ data: undefined })).toBe('unanswered'); // network down, server error
  });
});
