/**
 * The scale curves as SVG: one small chart per measurement, the log's size
 * on a logarithmic x axis (10k, 100k, 1M events), a line per database. Each
 * point is how the measurement compares with itself at 10k, turned so that
 * up is better: value / value at 10k for rates, the inverse for times and
 * bytes. 1.0 = as at 10k; the shaded band is the target (within 20%).
 */
export interface ScalePoint {
  backend: 'sqlite' | 'postgresql';
  size: number;
  events: number;
  figures: Record<string, number>;
}

const LINES = { sqlite: '#2b6cb0', postgresql: '#c05621' } as const;
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const lowerIsBetter = (name: string) => name.includes(', ms') || name.startsWith('bytes');

export function scaleChart(points: readonly ScalePoint[]): string {
  const names = [...new Set(points.flatMap((point) => Object.keys(point.figures)))].filter((name) => name !== 'event JSON bytes' && !name.startsWith('catch-up, raw'));
  const sizes = [...new Set(points.map((point) => point.size))].sort((a, b) => a - b);
  const cell = { width: 235, height: 150, plotWidth: 170, plotHeight: 90, left: 40, top: 30 };
  const columns = 4;
  const yMax = 2;
  const span = Math.max(1e-9, Math.log10(sizes.at(-1)!) - Math.log10(sizes[0]!));
  const x = (size: number) => cell.left + ((Math.log10(size) - Math.log10(sizes[0]!)) / span) * cell.plotWidth;
  const y = (ratio: number) => cell.top + cell.plotHeight - (Math.min(Math.max(ratio, 0), yMax) / yMax) * cell.plotHeight;
  const parts: string[] = [];
  names.forEach((name, index) => {
    const dx = (index % columns) * cell.width;
    const dy = 40 + Math.floor(index / columns) * cell.height;
    parts.push(`<g transform="translate(${dx},${dy})">`);
    parts.push(`<text x="${cell.left}" y="16" font-size="10.5">${escape(name.length > 42 ? `${name.slice(0, 40)}...` : name)}</text>`);
    parts.push(`<rect x="${cell.left}" y="${y(1.2)}" width="${cell.plotWidth}" height="${y(0.8) - y(1.2)}" fill="#e6fffa"/>`);
    for (const tick of [0, 1, 2]) {
      parts.push(`<line x1="${cell.left}" x2="${cell.left + cell.plotWidth}" y1="${y(tick)}" y2="${y(tick)}" stroke="${tick === 1 ? '#555' : '#ddd'}"/>`);
      parts.push(`<text x="${cell.left - 4}" y="${y(tick) + 3}" font-size="9" text-anchor="end">${tick.toFixed(1)}</text>`);
    }
    for (const size of sizes) parts.push(`<text x="${x(size)}" y="${cell.top + cell.plotHeight + 12}" font-size="9" text-anchor="middle">${size >= 1e6 ? `${size / 1e6}M` : `${size / 1e3}k`}</text>`);
    for (const backend of ['sqlite', 'postgresql'] as const) {
      const mine = points.filter((point) => point.backend === backend && point.figures[name] !== undefined);
      const base = mine.find((point) => point.size === sizes[0]);
      if (!base) continue;
      const ratio = (value: number) => (lowerIsBetter(name) ? base.figures[name]! / value : value / base.figures[name]!);
      const line = mine.map((point) => `${x(point.size).toFixed(1)},${y(ratio(point.figures[name]!)).toFixed(1)}`).join(' ');
      parts.push(`<polyline points="${line}" fill="none" stroke="${LINES[backend]}" stroke-width="2"/>`);
    }
    parts.push('</g>');
  });
  const height = 40 + Math.ceil(names.length / columns) * cell.height;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${columns * cell.width}" height="${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="10" y="16" font-size="12">Each measurement against itself at ${sizes[0]!.toLocaleString('en-US')} events (up = better: rates as value / value at 10k, times and bytes inverted).</text>
<text x="10" y="31" font-size="12"><tspan fill="${LINES.sqlite}">■ SQLite</tspan>   <tspan fill="${LINES.postgresql}">■ PostgreSQL</tspan>   shaded: within 20% (the target)</text>
${parts.join('\n')}
</svg>
`;
}
