/** Benchmark results: a table on stdout and bench/results/latest.json. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Measurement {
  name: string;
  /** e.g. "events/s" (higher is better) or "ms (p99)" (lower is better). */
  unit: string;
  value: number;
  baseline: string;
  baselineValue: number;
}

export function report(measurements: readonly Measurement[]): void {
  const rows = measurements.map((m) => ({ ...m, ratio: m.baselineValue === 0 ? 0 : m.value / m.baselineValue }));
  const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2));
  console.log('');
  console.log(['measurement'.padEnd(40), 'value'.padStart(12), 'unit'.padEnd(12), 'baseline'.padEnd(36), 'baseline value'.padStart(14), 'ratio'.padStart(7)].join(' '));
  for (const r of rows) {
    console.log([r.name.padEnd(40), fmt(r.value).padStart(12), r.unit.padEnd(12), r.baseline.padEnd(36), fmt(r.baselineValue).padStart(14), `${r.ratio.toFixed(2)}x`.padStart(7)].join(' '));
  }
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'latest.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(rows, null, 2)}\n`);
  console.log(`\nwritten to ${out}`);
}
