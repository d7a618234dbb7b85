import type { LatencySeries } from './figures.js';
import { percentileOfSorted } from './stats.js';

const WIDTH = 960;
const HEIGHT = 560;
const PLOT = { left: 70, right: 330, top: 60, bottom: 60 };
const COLORS = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
];
// Each line is drawn through at most this many points of its cumulative distribution.
const MAX_POINTS_PER_LINE = 400;
// The log axis cannot show 0 or less; smaller samples are drawn at this value.
const MIN_AXIS_MS = 1;

function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

function formatMs(value: number): string {
  if (value >= 1000) {
    return `${Number((value / 1000).toPrecision(3))} s`;
  }
  return `${Number(value.toPrecision(3))} ms`;
}

/**
 * Draws the cumulative distribution of every series on one chart: latency on a log x axis in ms,
 * share of deliveries on the y axis. Returns the SVG document as text.
 */
export function renderLatencyChart(options: {
  title: string;
  subtitle: string;
  series: LatencySeries[];
}): string {
  const series = options.series.filter((entry) => entry.samplesMs.length > 0);
  const sortedSeries = series.map((entry) => ({
    label: entry.label,
    sorted: [...entry.samplesMs].sort((a, b) => a - b),
  }));
  const allMax = Math.max(
    MIN_AXIS_MS * 10,
    ...sortedSeries.map((entry) => entry.sorted.at(-1) ?? MIN_AXIS_MS),
  );
  const allMin = Math.max(
    MIN_AXIS_MS,
    Math.min(...sortedSeries.map((entry) => entry.sorted[0] ?? MIN_AXIS_MS), allMax / 10),
  );
  const minDecade = Math.floor(Math.log10(allMin));
  const maxDecade = Math.ceil(Math.log10(allMax));

  const plotWidth = WIDTH - PLOT.left - PLOT.right;
  const plotHeight = HEIGHT - PLOT.top - PLOT.bottom;
  const x = (ms: number) =>
    PLOT.left +
    ((Math.log10(Math.max(MIN_AXIS_MS, ms)) - minDecade) / (maxDecade - minDecade)) * plotWidth;
  const y = (share: number) => PLOT.top + (1 - share) * plotHeight;

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${PLOT.left}" y="24" font-size="16" font-weight="bold">${escapeXml(options.title)}</text>`,
    `<text x="${PLOT.left}" y="44" fill="#555">${escapeXml(options.subtitle)}</text>`,
  );

  // Grid: every 1, 2 and 5 of each decade on x, every 10 % on y.
  for (let decade = minDecade; decade <= maxDecade; decade++) {
    for (const step of [1, 2, 5]) {
      const value = step * 10 ** decade;
      if (Math.log10(value) > maxDecade) {
        continue;
      }
      const position = x(value).toFixed(1);
      const major = step === 1;
      parts.push(
        `<line x1="${position}" y1="${PLOT.top}" x2="${position}" y2="${PLOT.top + plotHeight}" stroke="${major ? '#ccc' : '#eee'}"/>`,
        `<text x="${position}" y="${PLOT.top + plotHeight + 16}" text-anchor="middle" fill="${major ? '#333' : '#888'}">${formatMs(value)}</text>`,
      );
    }
  }
  for (let tenth = 0; tenth <= 10; tenth++) {
    const position = y(tenth / 10).toFixed(1);
    parts.push(
      `<line x1="${PLOT.left}" y1="${position}" x2="${PLOT.left + plotWidth}" y2="${position}" stroke="${tenth === 5 || tenth === 10 ? '#ccc' : '#eee'}"/>`,
      `<text x="${PLOT.left - 8}" y="${Number(position) + 4}" text-anchor="end" fill="#333">${tenth * 10} %</text>`,
    );
  }
  // The 99th percentile line, where the p99 targets are read off.
  parts.push(
    `<line x1="${PLOT.left}" y1="${y(0.99).toFixed(1)}" x2="${PLOT.left + plotWidth}" y2="${y(0.99).toFixed(1)}" stroke="#999" stroke-dasharray="4 3"/>`,
    `<text x="${PLOT.left + plotWidth - 4}" y="${(y(0.99) + 14).toFixed(1)}" text-anchor="end" fill="#777">p99</text>`,
    `<rect x="${PLOT.left}" y="${PLOT.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#333"/>`,
    `<text x="${PLOT.left + plotWidth / 2}" y="${HEIGHT - 16}" text-anchor="middle">time after the publish call returned (retry lateness: after the scheduled time), log scale</text>`,
    `<text transform="translate(18 ${PLOT.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">share of deliveries at or below</text>`,
  );

  sortedSeries.forEach((entry, index) => {
    const color = COLORS[index % COLORS.length]!;
    const count = entry.sorted.length;
    const stride = Math.max(1, Math.floor(count / MAX_POINTS_PER_LINE));
    const points: string[] = [];
    for (let rank = 0; rank < count; rank += stride) {
      points.push(`${x(entry.sorted[rank]!).toFixed(1)},${y((rank + 1) / count).toFixed(1)}`);
    }
    points.push(`${x(entry.sorted[count - 1]!).toFixed(1)},${y(1).toFixed(1)}`);
    parts.push(
      `<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.join(' ')}"/>`,
    );

    const legendY = PLOT.top + 10 + index * 42;
    const legendX = WIDTH - PLOT.right + 20;
    const p50 = percentileOfSorted(entry.sorted, 50) ?? 0;
    const p99 = percentileOfSorted(entry.sorted, 99) ?? 0;
    parts.push(
      `<line x1="${legendX}" y1="${legendY}" x2="${legendX + 24}" y2="${legendY}" stroke="${color}" stroke-width="3"/>`,
      `<text x="${legendX + 32}" y="${legendY + 4}">${escapeXml(entry.label)}</text>`,
      `<text x="${legendX + 32}" y="${legendY + 20}" fill="#555">n=${count}, p50 ${formatMs(p50)}, p99 ${formatMs(p99)}</text>`,
    );
  });

  if (sortedSeries.length === 0) {
    parts.push(
      `<text x="${PLOT.left + plotWidth / 2}" y="${PLOT.top + plotHeight / 2}" text-anchor="middle">no latency samples in this run</text>`,
    );
  }
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
