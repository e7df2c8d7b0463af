/**
 * The scale curves as SVG: one panel per database, the log's size on a
 * logarithmic x axis (10k, 100k, 1M events), each measurement as its value
 * over its value at 10k (1.00 = flat; the band is the target, within 20%).
 */
export interface ScalePoint {
  backend: 'sqlite' | 'postgresql';
  size: number;
  events: number;
  figures: Record<string, number>;
}

const COLORS = ['#2b6cb0', '#c05621', '#2f855a', '#6b46c1', '#b7791f', '#c53030', '#319795', '#4a5568', '#d53f8c', '#718096', '#2c7a7b'];
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function scaleChart(points: readonly ScalePoint[]): string {
  const names = [...new Set(points.flatMap((point) => Object.keys(point.figures)))].filter((name) => name !== 'event JSON bytes' && !name.startsWith('catch-up, raw'));
  const sizes = [...new Set(points.map((point) => point.size))].sort((a, b) => a - b);
  const panel = { width: 420, height: 260, top: 40, left: 60 };
  const yMax = 2;
  const x = (size: number) => panel.left + ((Math.log10(size) - Math.log10(sizes[0]!)) / Math.max(1e-9, Math.log10(sizes.at(-1)!) - Math.log10(sizes[0]!))) * (panel.width - 80);
  const y = (ratio: number) => panel.top + panel.height - (Math.min(ratio, yMax) / yMax) * panel.height;
  const parts: string[] = [];
  (['sqlite', 'postgresql'] as const).forEach((backend, column) => {
    const dx = column * (panel.width + 40);
    const mine = points.filter((point) => point.backend === backend);
    const base = mine.find((point) => point.size === sizes[0]);
    if (!base) return;
    parts.push(`<g transform="translate(${dx},0)">`);
    parts.push(`<text x="${panel.left}" y="24" font-size="13" font-weight="bold">${backend === 'sqlite' ? 'SQLite' : 'PostgreSQL'}: value / value at ${sizes[0]!.toLocaleString('en-US')} events</text>`);
    parts.push(`<rect x="${panel.left}" y="${y(1.2)}" width="${panel.width - 80}" height="${y(0.8) - y(1.2)}" fill="#e6fffa"/>`);
    for (const tick of [0, 0.5, 1, 1.5, 2]) {
      parts.push(`<line x1="${panel.left}" x2="${panel.left + panel.width - 80}" y1="${y(tick)}" y2="${y(tick)}" stroke="${tick === 1 ? '#333' : '#ddd'}"/>`);
      parts.push(`<text x="${panel.left - 6}" y="${y(tick) + 4}" font-size="10" text-anchor="end">${tick.toFixed(1)}</text>`);
    }
    for (const size of sizes) parts.push(`<text x="${x(size)}" y="${panel.top + panel.height + 16}" font-size="10" text-anchor="middle">${size >= 1e6 ? `${size / 1e6}M` : `${size / 1e3}k`}</text>`);
    names.forEach((name, i) => {
      const line = mine
        .filter((point) => point.figures[name] !== undefined)
        .map((point) => `${x(point.size).toFixed(1)},${y(point.figures[name]! / base.figures[name]!).toFixed(1)}`)
        .join(' ');
      parts.push(`<polyline points="${line}" fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="2"/>`);
    });
    parts.push('</g>');
  });
  const legendTop = panel.top + panel.height + 36;
  names.forEach((name, i) => {
    const lx = 20 + (i % 2) * 440;
    const ly = legendTop + Math.floor(i / 2) * 16;
    parts.push(`<rect x="${lx}" y="${ly - 9}" width="14" height="4" fill="${COLORS[i % COLORS.length]}"/><text x="${lx + 20}" y="${ly - 4}" font-size="11">${escape(name)}</text>`);
  });
  const height = legendTop + Math.ceil(names.length / 2) * 16 + 10;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * panel.width + 60}" height="${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
${parts.join('\n')}
</svg>
`;
}
