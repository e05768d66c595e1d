// ECharts options built from API figures as they come (no figure is computed here beyond
// laying it out), kept apart from the components so that unit tests can check them.
import type { EChartsCoreOption } from 'echarts/core';

/** Tooltips drawn on the chart's canvas: ECharts' HTML tooltips are markup with inline style
 * attributes, which the console's CSP (no 'unsafe-inline') refuses, and innerHTML besides. */
export const TOOLTIP = { renderMode: 'richText' } as const;

export interface RegionFeature {
  id?: string | number;
  properties: { name: string; adcode?: string };
}

/** Region code → the map feature's name, for the codes the map draws. */
export function featureNames(features: RegionFeature[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const f of features) {
    const code = String(f.properties.adcode ?? f.id ?? '');
    if (code) names.set(code, f.properties.name);
  }
  return names;
}

/** Choropleth data for the unions whose region code the map draws; the others (a grassroots
 * union shares its county's code, a city's map has no counties) are returned apart for the grid. */
export function choropleth<T extends { union: { regionCode: string } }>(
  rows: T[], names: Map<string, string>, value: (row: T) => number,
): { data: { name: string; value: number }[]; unmapped: T[] } {
  const data: { name: string; value: number }[] = [];
  const unmapped: T[] = [];
  for (const row of rows) {
    const name = names.get(row.union.regionCode);
    if (name) data.push({ name, value: value(row) });
    else unmapped.push(row);
  }
  return { data, unmapped };
}

export function mapOption(map: string, data: { name: string; value: number }[]): EChartsCoreOption {
  const max = Math.max(1, ...data.map((d) => d.value));
  return {
    tooltip: { ...TOOLTIP, trigger: 'item' },
    visualMap: { min: 0, max, left: 'left', bottom: 10, calculable: true,
      inRange: { color: ['#e0f3f8', '#4575b4'] } },
    series: [{ type: 'map', map, roam: false, label: { show: true, fontSize: 10 }, data }],
  };
}

export function barOption(labels: string[], series: { name: string; values: (number | null)[] }[],
  markLine?: { name: string; value: number }): EChartsCoreOption {
  return {
    tooltip: { ...TOOLTIP, trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 48, right: 16, top: 32, bottom: 48 },
    xAxis: { type: 'category', data: labels, axisLabel: { interval: 0, rotate: labels.length > 4 ? 20 : 0 } },
    yAxis: { type: 'value' },
    series: series.map((s, i) => ({
      name: s.name, type: 'bar', data: s.values,
      ...(i === 0 && markLine
        ? { markLine: { symbol: 'none', data: [{ name: markLine.name, yAxis: markLine.value }],
            label: { formatter: markLine.name } } }
        : {}),
    })),
  };
}

export function lineOption(labels: string[], series: { name: string; values: (number | null)[] }[]): EChartsCoreOption {
  return {
    tooltip: { ...TOOLTIP, trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 48, right: 16, top: 32, bottom: 32 },
    xAxis: { type: 'category', data: labels },
    yAxis: { type: 'value' },
    series: series.map((s) => ({ name: s.name, type: 'line', data: s.values, smooth: false })),
  };
}

export interface WaterfallSpan {
  name: string;
  durationMs: number;
  /** Milliseconds from the trace's start, when the API gives it; 0 otherwise. */
  startMs?: number | null;
}

/** A waterfall: one bar per span from its start offset (an invisible base bar) for its
 * duration, first span on top. */
export function waterfallOption(spans: WaterfallSpan[], unit = 'ms'): EChartsCoreOption {
  const ordered = [...spans].reverse();
  return {
    tooltip: {
      ...TOOLTIP, trigger: 'axis', axisPointer: { type: 'shadow' },
      formatter: (params: { seriesIndex: number; dataIndex: number }[]) => {
        const p = params.find((x) => x.seriesIndex === 1) ?? params[0];
        const s = ordered[p.dataIndex];
        return `${s.name}\n${(s.startMs ?? 0).toFixed(1)} + ${s.durationMs.toFixed(1)} ${unit}`;
      },
    },
    grid: { left: 220, right: 24, top: 8, bottom: 24 },
    xAxis: { type: 'value', name: unit },
    yAxis: { type: 'category', data: ordered.map((s) => s.name), axisLabel: { width: 200, overflow: 'truncate' } },
    series: [
      { type: 'bar', stack: 'w', silent: true, itemStyle: { color: 'transparent' },
        data: ordered.map((s) => s.startMs ?? 0) },
      { type: 'bar', stack: 'w', itemStyle: { color: '#d9534f' },
        label: { show: true, position: 'right', formatter: '{c}' },
        data: ordered.map((s) => Number(s.durationMs.toFixed(1))) },
    ],
  };
}
