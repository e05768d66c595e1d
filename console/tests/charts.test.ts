import { describe, expect, it } from 'vitest';
import { barOption, choropleth, featureNames, lineOption, mapOption, waterfallOption } from '../src/charts';
import shaanxi from 'echarts4-geo/map/json/province/shanxi1.json';

describe('charts', () => {
  it("maps Shaanxi's region codes to the GeoJSON's city names", () => {
    const names = featureNames((shaanxi as unknown as { features: never[] }).features);
    expect(names.get('610100')).toBe('西安市');
    expect(names.get('610300')).toBe('宝鸡市');
    expect(names.size).toBe(10);
  });
  it('puts unions the map lacks in the grid', () => {
    const names = new Map([['610100', '西安市']]);
    const rows = [
      { union: { regionCode: '610100' }, n: 5 },
      { union: { regionCode: '610000' }, n: 3 }, // a holding pool at the province's code
    ];
    const { data, unmapped } = choropleth(rows, names, (r) => r.n);
    expect(data).toEqual([{ name: '西安市', value: 5 }]);
    expect(unmapped).toEqual([rows[1]]);
  });
  it('lays a waterfall from start offsets, first span on top', () => {
    const option = waterfallOption([
      { name: 'query Q', durationMs: 10, startMs: 0 },
      { name: 'SELECT', durationMs: 4, startMs: 3 },
      { name: 'child', durationMs: 2, startMs: null },
    ]) as { yAxis: { data: string[] }; series: { data: number[] }[] };
    expect(option.yAxis.data).toEqual(['child', 'SELECT', 'query Q']);
    expect(option.series[0].data).toEqual([0, 3, 0]);
    expect(option.series[1].data).toEqual([2, 4, 10]);
  });
  it('marks the poverty line on the first series only', () => {
    const option = barOption(['a'], [{ name: 's', values: [0.2] }, { name: 't', values: [1] }],
      { name: 'line', value: 0.3 }) as { series: Record<string, unknown>[] };
    expect(option.series[0].markLine).toBeDefined();
    expect(option.series[1].markLine).toBeUndefined();
  });
  it('draws every tooltip on the canvas: no HTML, which the CSP refuses', () => {
    const options = [mapOption('m', []), barOption(['a'], [{ name: 's', values: [1] }]),
      lineOption(['a'], [{ name: 's', values: [1] }]), waterfallOption([{ name: 'q', durationMs: 1 }])];
    for (const option of options) {
      expect((option as { tooltip: { renderMode?: string } }).tooltip.renderMode).toBe('richText');
    }
    const { tooltip } = waterfallOption([{ name: '<b>q</b>', durationMs: 1, startMs: 0 }]) as unknown as {
      tooltip: { formatter: (p: { seriesIndex: number; dataIndex: number }[]) => string };
    };
    expect(tooltip.formatter([{ seriesIndex: 1, dataIndex: 0 }])).toBe('<b>q</b>\n0.0 + 1.0 ms');
  });
});
