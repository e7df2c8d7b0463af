/**
 * A value after each version (a stream type's chart series, e.g. an account's
 * balance), as a step line in plain SVG. Exact values become numbers only to
 * place points; every label is the series' own text.
 */
import type { SeriesPoint } from './streams/types';

const WIDTH = 720;
const HEIGHT = 200;
const PAD = { left: 84, right: 40, top: 30, bottom: 28 };

interface Props {
  title: string;
  points: readonly SeriesPoint[];
  format: (value: bigint) => string;
  selected: number;
  onSelect: (version: number) => void;
}

export function SeriesChart({ title, points, format, selected, onSelect }: Props) {
  const low = points.reduce((min, point) => (point.value < min ? point.value : min), 0n);
  const high = points.reduce((max, point) => (point.value > max ? point.value : max), 0n);
  const span = Number(high - low) || 1;
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const x = (index: number) => PAD.left + (points.length === 1 ? plotWidth / 2 : (index * plotWidth) / (points.length - 1));
  const y = (value: bigint) => PAD.top + plotHeight - (Number(value - low) / span) * plotHeight;

  const path = points
    .map((point, index) => (index === 0 ? `M ${x(0)} ${y(point.value)}` : `H ${x(index)} V ${y(point.value)}`))
    .join(' ');
  const ticks = [...new Set([high, (high + low) / 2n, low, 0n])];
  const step = Math.max(1, Math.ceil(points.length / 12));

  return (
    <svg className="chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={title} data-testid="series-chart">
      {ticks.map((tick) => (
        <g key={tick.toString()} className="tick">
          <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(tick)} y2={y(tick)} />
          <text x={PAD.left - 8} y={y(tick) + 4} textAnchor="end">
            {format(tick)}
          </text>
        </g>
      ))}
      <path className="line" d={path} />
      {points.map((point, index) => (
        <g key={point.version} className={point.version === selected ? 'point selected' : 'point'} onClick={() => onSelect(point.version)}>
          <title>{`v${point.version}: ${point.label}`}</title>
          <circle cx={x(index)} cy={y(point.value)} r={point.version === selected ? 6 : 4} />
          {(index % step === 0 || point.version === selected) && (
            <text x={x(index)} y={HEIGHT - 8} textAnchor="middle">
              v{point.version}
            </text>
          )}
          {point.version === selected && (
            <text className="value-label" x={x(index)} y={y(point.value) - 10} textAnchor="middle">
              {point.label}
            </text>
          )}
        </g>
      ))}
    </svg>
  );
}
