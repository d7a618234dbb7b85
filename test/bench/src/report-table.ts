import { availableParallelism } from 'node:os';

import { meetsTarget, type Figure, type ReportTable } from './figures.js';
import type { ResourceUsage } from './resource-monitor.js';

/** Formats a value with its unit: seconds and ratios with two decimals, values under 10 with one, others whole. */
export function formatValue(value: number | null | undefined, unit: string): string {
  if (value === null || value === undefined || Number.isNaN(value)) {
    return '–';
  }

  let rounded = Math.round(value).toString();
  if (unit === 's' || unit === '×') {
    rounded = value.toFixed(2);
  } else if (Math.abs(value) < 10 && value !== Math.round(value)) {
    rounded = value.toFixed(1);
  }
  return unit === '' ? rounded : `${rounded} ${unit}`;
}

function formatTarget(figure: Figure): string {
  if (figure.target === undefined) {
    return '';
  }
  return `${figure.target.comparison === '<=' ? '≤' : '≥'} ${formatValue(figure.target.value, figure.unit)}`;
}

function formatMet(figure: Figure): string {
  const met = meetsTarget(figure);
  if (met === null) {
    return '';
  }
  return met ? 'yes' : 'NO';
}

function formatRatio(figure: Figure): string {
  return figure.ratioToBaseline === undefined || figure.ratioToBaseline === null
    ? ''
    : `${figure.ratioToBaseline.toFixed(3)}×`;
}

const FIGURE_HEADER = ['scenario', 'figure', 'target', 'measured', 'met', '× baseline'];

function figureCells(figures: readonly Figure[]): string[][] {
  return figures.map((figure) => [
    figure.scenario,
    figure.label,
    formatTarget(figure),
    formatValue(figure.measured, figure.unit),
    formatMet(figure),
    formatRatio(figure),
  ]);
}

const USAGE_HEADER = [
  'scenario',
  'wall',
  'service CPU',
  'Temporal CPU',
  'bench CPU',
  'machine CPU',
  'service disk writes',
  'Temporal disk writes',
  'service peak RSS',
];

function usageCells(usage: ReadonlyArray<{ scenario: string; usage: ResourceUsage }>): string[][] {
  const percent = (value: number | null) => (value === null ? '–' : `${Math.round(value)} %`);
  return usage.map(({ scenario, usage: entry }) => [
    scenario,
    `${entry.wallSeconds.toFixed(0)} s`,
    percent(entry.serviceCpuPercent),
    percent(entry.temporalCpuPercent),
    percent(entry.benchCpuPercent),
    percent(entry.machineCpuPercent),
    formatValue(entry.serviceDiskWriteMBps, 'MB/s'),
    formatValue(entry.temporalDiskWriteMBps, 'MB/s'),
    formatValue(entry.servicePeakRssMB, 'MB'),
  ]);
}

function renderText(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  return [
    line(header),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...rows.map(line),
  ].join('\n');
}

function renderMarkdown(header: string[], rows: string[][]): string {
  const line = (cells: string[]) =>
    `| ${cells.map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Everything the report shows: the figures, the CPU use per scenario and the scenarios' own tables. */
export interface ReportContent {
  figures: readonly Figure[];
  usage: ReadonlyArray<{ scenario: string; usage: ResourceUsage }>;
  tables: readonly ReportTable[];
}

/** Renders the report as aligned plain-text tables. */
export function renderTextReport(content: ReportContent): string {
  const cores = availableParallelism();
  return (
    [
      renderText(FIGURE_HEADER, figureCells(content.figures)),
      `CPU in % of one core (${cores} cores here, so ${cores * 100} % is all of them), and bytes written to disk:\n${renderText(USAGE_HEADER, usageCells(content.usage))}`,
      ...content.tables.map((table) => `${table.title}:\n${renderText(table.header, table.rows)}`),
    ].join('\n\n') + '\n'
  );
}

/** Renders the same tables as Markdown, for the README. */
export function renderMarkdownReport(content: ReportContent): string {
  return (
    [
      renderMarkdown(FIGURE_HEADER, figureCells(content.figures)),
      `CPU in % of one core, and bytes written to disk:\n\n${renderMarkdown(USAGE_HEADER, usageCells(content.usage))}`,
      ...content.tables.map(
        (table) => `${table.title}:\n\n${renderMarkdown(table.header, table.rows)}`,
      ),
    ].join('\n\n') + '\n'
  );
}
