/**
 * Pages per node (and not present) poll by poll, in the nodes' colours, with moves, undos
 * and migrations marked; under it, on a 0-100% strip, locality per poll and the intervals of
 * heat measurements. Hovering a time shows that poll's figures, and its picture when it is
 * one of the few kept. Offline, the scrubber's poll is the cursor and a click picks one.
 */
import { useMemo, useRef, useState, type MouseEvent } from 'react';
import type { PlacementTile } from '../../common/placement-tiles.js';
import { colourOfNode } from '../heatmap/palette.js';
import { formatBytes } from '../model/format.js';
import { chartNodes, nearestPoint, type ChartMark, type HeatPoint, type PollPoint } from '../model/timeline.js';
import { useWidthAndPixelRatio } from '../hooks/useWidthAndPixelRatio.js';
import { heatOfPoll, percent } from '../model/timeline-shares.js';
import { PollPicture } from './PollPicture.js';
import { ShareStrip } from './ShareStrip.js';

const HEIGHT = 72;
const PAD = 4;

interface Props {
  points: readonly PollPoint[];
  marks: readonly ChartMark[];
  /** Heat intervals measured meanwhile (live only). */
  heat?: readonly HeatPoint[];
  panelNodes: readonly number[];
  pageSize: number;
  /** The poll shown offline, marked on the chart. */
  cursor?: number | null;
  pictureOf?: (sequence: number) => PlacementTile | null;
  onPick?: (index: number) => void;
}

export function pollText(point: PollPoint, nodes: readonly number[], pageSize: number): string {
  const parts = nodes.map((node) => `node ${node}: ${formatBytes((point.byNode[String(node)] ?? 0) * pageSize)}`);
  const locality = point.locality === null ? [] : [`locality ${percent(point.locality)}`];
  return [...parts, `not present: ${formatBytes(point.absent * pageSize)}`, ...locality].join(' · ');
}

const NO_HEAT: readonly HeatPoint[] = [];

/** A poll's totals for the page's data attributes (what tests and tools read off the chart). */
function totalsText(point: PollPoint | undefined): string {
  return point ? JSON.stringify({ byNode: point.byNode, absent: point.absent }) : '';
}

export function TimelineChart({ points, marks, heat = NO_HEAT, panelNodes, pageSize, cursor = null, pictureOf, onPick }: Props) {
  const box = useRef<HTMLDivElement | null>(null);
  const { width } = useWidthAndPixelRatio(box);
  const [hovered, setHovered] = useState<number | null>(null);
  const nodes = useMemo(() => chartNodes(points, panelNodes), [points, panelNodes]);
  const first = points[0]?.at ?? 0;
  const last = Math.max(points[points.length - 1]?.at ?? first, heat[heat.length - 1]?.at ?? first);
  const span = Math.max(last - first, 1);
  const top = useMemo(() => Math.max(1, ...points.map((p) => Math.max(p.absent, ...Object.values(p.byNode)))), [points]);
  const x = (at: number): number => PAD + ((at - first) / span) * Math.max(width - 2 * PAD, 1);
  const y = (pages: number): number => HEIGHT - PAD - (pages / top) * (HEIGHT - 2 * PAD);
  const path = (value: (p: PollPoint) => number): string => points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.at).toFixed(1)},${y(value(p)).toFixed(1)}`).join('');

  const pointAt = (event: MouseEvent<HTMLElement | SVGElement>): number => {
    const rect = (box.current as HTMLDivElement).getBoundingClientRect();
    return nearestPoint(points, first + ((event.clientX - rect.left - PAD) / Math.max(width - 2 * PAD, 1)) * span);
  };
  const shown = hovered ?? cursor;
  const point = shown !== null ? points[shown] : undefined;
  const picture = hovered !== null && point !== undefined ? (pictureOf?.(point.sequence) ?? null) : null;
  const pointHeat = shown !== null ? heatOfPoll(points, shown, heat) : null;
  const lastPoint = points[points.length - 1];
  const markPoint = (mark: ChartMark): PollPoint | undefined => points[nearestPoint(points, mark.at)];

  return (
    <section
      className="timeline-chart"
      aria-label="Pages per node over time"
      data-testid="timeline-chart"
      data-polls={points.length}
      data-last-sequence={lastPoint?.sequence ?? ''}
      data-last-totals={totalsText(lastPoint)}
      data-last-locality={lastPoint?.locality ?? ''}
      data-heat-points={heat.length}
    >
      <div className="timeline-plot" ref={box} onMouseMove={(e) => setHovered(pointAt(e))} onMouseLeave={() => setHovered(null)} onClick={(e) => onPick?.(pointAt(e))}>
        {width > 0 && points.length > 0 ? (
          <svg width={width} height={HEIGHT} role="img" aria-label={`${points.length} polls`}>
            {marks.map((mark, i) =>
              mark.at >= first && mark.at <= last ? (
                <line key={i} className={`timeline-mark timeline-mark-${mark.kind}`} data-mark={mark.kind} data-edge={mark.edge} data-poll={markPoint(mark)?.sequence ?? ''} data-totals={totalsText(markPoint(mark))} x1={x(mark.at)} x2={x(mark.at)} y1={0} y2={HEIGHT} strokeDasharray={mark.edge === 'end' ? '3 2' : undefined}>
                  <title>{mark.text}</title>
                </line>
              ) : null,
            )}
            <text x={PAD + 2} y={PAD + 9} className="timeline-scale">
              {formatBytes(top * pageSize)}
            </text>
            <path d={path((p) => p.absent)} className="timeline-absent" fill="none" />
            {nodes.map((node) => (
              <path key={node} d={path((p) => p.byNode[String(node)] ?? 0)} fill="none" stroke={colourOfNode(node, panelNodes)} strokeWidth={1.75} data-node-line={node} />
            ))}
            {point !== undefined ? <line className="timeline-cursor" x1={x(point.at)} x2={x(point.at)} y1={0} y2={HEIGHT} /> : null}
          </svg>
        ) : null}
        {/* Drawn from the first poll, empty until locality or heat arrives: a strip that appeared later would move the heatmaps under a drag. */}
        {width > 0 && points.length > 0 ? <ShareStrip points={points} heat={heat} width={width} x={x} /> : null}
      </div>
      <div className="timeline-readout muted" data-testid="timeline-readout" data-sequence={point?.sequence ?? ''}>
        {point !== undefined ? (
          <>
            <span>
              poll {point.sequence} · {new Date(point.at).toLocaleTimeString()} · {pollText(point, nodes, pageSize)}
              {pointHeat !== null ? ` · heat ${percent(pointHeat.share)} (${pointHeat.label})` : ''}
            </span>
            {picture !== null ? <PollPicture tile={picture} order={panelNodes} /> : null}
          </>
        ) : (
          <span>
            {points.length} polls · a line per node, dashed: not present · below, 0-100%: locality per poll and heat per interval · hover for a
            poll&apos;s figures
          </span>
        )}
      </div>
    </section>
  );
}
