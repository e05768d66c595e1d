import { readFileSync } from 'node:fs';
import { buildSchema, GraphQLEnumType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { dictionaries, enumLabels, label } from '../src/i18n';

// The schema the console is generated from (codegen.ts): every value of an enum the console
// shows has its words in both languages, so no page shows a raw PROVINCE or REFUND_FAILED.
const sdl = ['../../unionhub/schema/snapshots/platform.graphql', '../federation.graphql']
  .map((p) => readFileSync(new URL(p, import.meta.url), 'utf8')).join('\n');
const schema = buildSchema(sdl);

describe('enum labels', () => {
  it('names every value of each shown enum in both languages', () => {
    for (const language of ['zh-CN', 'en'] as const) {
      for (const [name, labels] of Object.entries(enumLabels[language])) {
        const type = schema.getType(name);
        expect(type, name).toBeInstanceOf(GraphQLEnumType);
        const values = (type as GraphQLEnumType).getValues().map((v) => v.name).sort();
        expect(Object.keys(labels).sort(), `${language} ${name}`).toEqual(values);
        for (const v of Object.values(labels)) expect(v).not.toBe('');
      }
    }
    expect(Object.keys(enumLabels.en).sort()).toEqual(Object.keys(enumLabels['zh-CN']).sort());
    expect(Object.keys(enumLabels['zh-CN'])).toEqual(expect.arrayContaining(
      ['UnionLevel', 'Tier', 'ActivityKind', 'UnionFundsEntryKind', 'PaymentExceptionKind']));
  });
  it('shows a value it does not know yet as the API sent it, never blank', () => {
    expect(label('UnionLevel', 'PROVINCE', 'zh-CN')).toBe('省级工会');
    expect(label('UnionLevel', 'PROVINCE', 'en')).toBe('Province');
    expect(label('UnionLevel', 'GALAXY', 'zh-CN')).toBe('GALAXY');
    expect(dictionaries['zh-CN'].title).toBe('工会数据驾驶舱');
  });
});
