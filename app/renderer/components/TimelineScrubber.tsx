/** A timeline opened offline: a slider over its polls, the chart with the poll shown, and that poll's totals. */
import type { OpenedTimeline } from '../model/timeline-file.js';
import { formatDuration } from '../model/format.js';
import { chartNodes } from '../model/timeline.js';
import { pollText, TimelineChart } from './TimelineChart.js';

interface Props {
  timeline: OpenedTimeline;
  panelNodes: readonly number[];
  pageSize: number;
  onShow(index: number): void;
}

export function TimelineScrubber({ timeline, panelNodes, pageSize, onShow }: Props) {
  const { points, marks, index } = timeline;
  const point = points[index];
  const first = points[0];
  const last = points.length - 1;
  return (
    <section className="timeline-scrubber" aria-label="Timeline" data-testid="timeline-scrubber" data-index={index} data-polls={points.length}>
      <div className="timeline-scrubber-row">
        <button type="button" onClick={() => onShow(Math.max(0, index - 1))} disabled={index === 0} aria-label="Previous poll">
          ◀
        </button>
        <input type="range" min={0} max={last} step={1} value={index} onChange={(e) => onShow(Number(e.target.value))} aria-label="Poll shown" data-testid="timeline-slider" />
        <button type="button" onClick={() => onShow(Math.min(last, index + 1))} disabled={index === last} aria-label="Next poll">
          ▶
        </button>
        <span className="timeline-scrubber-where" data-testid="timeline-poll" data-totals={point ? JSON.stringify({ byNode: point.byNode, absent: point.absent }) : ''}>
          poll {index} of {last} · +{point && first ? formatDuration(point.at - first.at) : '0 ms'}
          {point ? ` · ${pollText(point, chartNodes(points, panelNodes), pageSize)}` : ''}
        </span>
      </div>
      <TimelineChart points={points} marks={marks} panelNodes={panelNodes} pageSize={pageSize} cursor={index} onPick={onShow} />
    </section>
  );
}
