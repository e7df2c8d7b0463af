/** Benchmark output: a table on stdout, bench/results/latest.json and a chart of the ratios (SVG). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Measurement {
  name: string;
  /** e.g. "events/s" (higher is better) or "ms (lower better)". */
  unit: string;
  value: number;
  baseline: string;
  baselineValue: number;
}

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), 'results');
const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2));
const lowerIsBetter = (unit: string) => unit.startsWith('ms');

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Horizontal bars of value/baseline; a line at 1.0 (the baseline). Bars are capped at 3x and labelled with the true ratio. */
function chart(rows: ReadonlyArray<Measurement & { ratio: number }>): string {
  const barHeight = 18;
  const gap = 6;
  const left = 520;
  const width = 360;
  const cap = 3;
  const height = 40 + rows.length * (barHeight + gap);
  const x = (ratio: number) => left + (Math.min(ratio, cap) / cap) * width;
  const bars = rows
    .map((row, i) => {
      const y = 30 + i * (barHeight + gap);
      const good = lowerIsBetter(row.unit) ? row.ratio <= 1 : row.ratio >= 1;
      const label = `${row.name} vs ${row.baseline}${lowerIsBetter(row.unit) ? ' (lower is better)' : ''}`;
      return [
        `<text x="${left - 8}" y="${y + 13}" text-anchor="end" font-size="11">${escape(label.length > 95 ? `${label.slice(0, 92)}...` : label)}</text>`,
        `<rect x="${left}" y="${y}" width="${Math.max(1, x(row.ratio) - left).toFixed(1)}" height="${barHeight}" fill="${good ? '#2f855a' : '#c05621'}"/>`,
        `<text x="${x(row.ratio) + 4}" y="${y + 13}" font-size="11">${row.ratio.toFixed(2)}x</text>`,
      ].join('');
    })
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 60}" height="${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="${left}" y="18" font-size="12">ratio = value / baseline (bars capped at ${cap}x; green = at or better than the baseline)</text>
${bars}
<line x1="${x(1)}" y1="24" x2="${x(1)}" y2="${height - 6}" stroke="#333" stroke-dasharray="4 3"/>
</svg>
`;
}

export function report(measurements: readonly Measurement[], meta: Record<string, unknown> = {}, options: { write?: boolean } = {}): void {
  const rows = measurements.map((m) => ({ ...m, ratio: m.baselineValue === 0 ? 0 : m.value / m.baselineValue }));
  const lines = [
    '| measurement | value | unit | baseline | baseline value | ratio |',
    '|---|---:|---|---|---:|---:|',
    ...rows.map((r) => `| ${r.name} | ${fmt(r.value)} | ${r.unit} | ${r.baseline} | ${fmt(r.baselineValue)} | ${r.ratio.toFixed(2)}x |`),
  ];
  console.log(`\n${lines.join('\n')}`);
  // Partial runs (one section, another checkout) print only: latest.* stay the last full run.
  if (options.write === false) return;
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, 'latest.json'), `${JSON.stringify(rows, null, 2)}\n`);
  writeFileSync(join(RESULTS, 'latest.md'), `${lines.join('\n')}\n`);
  writeFileSync(join(RESULTS, 'ratios.svg'), chart(rows));
  const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, at: new Date().toISOString(), ...meta };
  writeFileSync(join(RESULTS, 'machine.json'), `${JSON.stringify(machine, null, 2)}\n`);
  console.log(`\nwritten to ${RESULTS}/latest.json, latest.md, ratios.svg`);
}
