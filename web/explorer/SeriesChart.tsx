/**
 * The balance after each version, as a step line in plain SVG. Cents become
 * numbers only to place points; every label is the exact decimal text.
 */
import type { BalancePoint } from './describe';
import { formatCents } from './money';

const WIDTH = 720;
const HEIGHT = 200;
const PAD = { left: 84, right: 40, top: 30, bottom: 28 };

interface Props {
  points: readonly BalancePoint[];
  selected: number;
  onSelect: (version: number) => void;
}

export function BalanceChart({ points, selected, onSelect }: Props) {
  const low = points.reduce((min, point) => (point.cents < min ? point.cents : min), 0n);
  const high = points.reduce((max, point) => (point.cents > max ? point.cents : max), 0n);
  const span = Number(high - low) || 1;
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const x = (index: number) => PAD.left + (points.length === 1 ? plotWidth / 2 : (index * plotWidth) / (points.length - 1));
  const y = (cents: bigint) => PAD.top + plotHeight - (Number(cents - low) / span) * plotHeight;

  const path = points
    .map((point, index) => (index === 0 ? `M ${x(0)} ${y(point.cents)}` : `H ${x(index)} V ${y(point.cents)}`))
    .join(' ');
  const ticks = [...new Set([high, (high + low) / 2n, low, 0n])];
  const step = Math.max(1, Math.ceil(points.length / 12));

  return (
    <svg className="chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label="Balance by version" data-testid="balance-chart">
      {ticks.map((tick) => (
        <g key={tick.toString()} className="tick">
          <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(tick)} y2={y(tick)} />
          <text x={PAD.left - 8} y={y(tick) + 4} textAnchor="end">
            {formatCents(tick)}
          </text>
        </g>
      ))}
      <path className="line" d={path} />
      {points.map((point, index) => (
        <g key={point.version} className={point.version === selected ? 'point selected' : 'point'} onClick={() => onSelect(point.version)}>
          <title>{`v${point.version}: ${point.label}`}</title>
          <circle cx={x(index)} cy={y(point.cents)} r={point.version === selected ? 6 : 4} />
          {(index % step === 0 || point.version === selected) && (
            <text x={x(index)} y={HEIGHT - 8} textAnchor="middle">
              v{point.version}
            </text>
          )}
          {point.version === selected && (
            <text className="value-label" x={x(index)} y={y(point.cents) - 10} textAnchor="middle">
              {point.label}
            </text>
          )}
        </g>
      ))}
    </svg>
  );
}
