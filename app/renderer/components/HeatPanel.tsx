/**
 * Heat and advice: the "Measure heat" control (live only), what the measurement is (its
 * source in words, resolution, window and age), the locality estimate, the ranked advice with
 * a "Move…" button per recommendation (which opens the usual move dialog), and the hottest
 * ranges. A file opened offline shows the measurement it carries, without advice.
 */
import { useState } from 'react';
import { HEAT_CHOICES, type HeatChoice, type HeatSection, type WireHeatReport, type WireRecommendation } from '../../common/heat.js';
import type { Heat } from '../hooks/useHeat.js';
import { ageText, hottestRanges } from '../model/heat.js';
import { formatBytes, formatClock, formatCount } from '../model/format.js';

interface Props {
  /** Null when nothing can be measured (a file is shown, or the process exited). */
  heat: Heat | null;
  /** The measurement shown: the live report's, or the one an opened file carries. */
  measurement: HeatSection | null;
  report: WireHeatReport | null;
  canMove: boolean;
  onMove(recommendation: WireRecommendation): void;
  /** Whether the heat band under the heatmaps is on. */
  band: boolean;
  onBand(on: boolean): void;
}

const SOURCE_LABELS: Record<HeatChoice, string> = { auto: 'auto (soft-dirty)', 'soft-dirty': 'soft-dirty (writes)', damon: 'DAMON (experimental)' };
const SHOWN_RANGES = 10;

export function HeatPanel({ heat, measurement, report, canMove, onMove, band, onBand }: Props) {
  if (heat === null && measurement === null) return null;
  return (
    <section className="heat-panel" aria-label="Heat and advice" data-testid="heat-panel">
      <div className="section-head">
        <strong>Heat</strong>
        {heat !== null ? <HeatControls heat={heat} /> : null}
        {measurement !== null ? (
          <label className="check">
            <input type="checkbox" checked={band} onChange={(e) => onBand(e.target.checked)} data-testid="heat-band-toggle" /> heat band under the heatmaps
          </label>
        ) : null}
      </div>
      {heat?.state.phase === 'failed' && heat.state.code === 'CANCELLED' ? (
        <p className="muted" data-testid="heat-cancelled">
          Cancelled: nothing was measured.
        </p>
      ) : heat?.state.phase === 'failed' ? (
        <p className="error heat-error" role="alert" data-testid="heat-error">
          {heat.state.message}
        </p>
      ) : null}
      {measurement !== null ? <MeasurementLine measurement={measurement} report={report} /> : null}
      {report !== null ? <Advice report={report} canMove={canMove} onMove={onMove} /> : measurement !== null ? <p className="muted small">Advice needs the live process: measure it there.</p> : null}
      {measurement !== null ? <Hottest measurement={measurement} report={report} /> : null}
    </section>
  );
}

function HeatControls({ heat }: { heat: Heat }) {
  const [seconds, setSeconds] = useState(5);
  const [source, setSource] = useState<HeatChoice>('auto');
  const { state } = heat;
  if (state.phase === 'measuring') {
    return (
      <span className="heat-controls" data-testid="heat-progress">
        measuring… <progress max={state.total} value={state.done} /> {state.done} of {state.total} intervals
        <button type="button" onClick={() => void heat.cancel()} disabled={state.cancelling}>
          {state.cancelling ? 'Cancelling…' : 'Cancel'}
        </button>
      </span>
    );
  }
  return (
    <span className="heat-controls">
      <label>
        for{' '}
        <input type="number" min={1} max={600} value={seconds} onChange={(e) => setSeconds(Math.min(600, Math.max(1, Math.round(Number(e.target.value) || 1))))} aria-label="Seconds to measure" data-testid="heat-seconds" /> s
      </label>
      <label>
        source{' '}
        <select value={source} onChange={(e) => setSource(e.target.value as HeatChoice)} aria-label="Heat source" data-testid="heat-source">
          {HEAT_CHOICES.map((choice) => (
            <option key={choice} value={choice}>
              {SOURCE_LABELS[choice]}
            </option>
          ))}
        </select>
      </label>
      <button type="button" onClick={() => void heat.measure({ seconds, source })} data-testid="heat-measure">
        Measure heat
      </button>
    </span>
  );
}

function MeasurementLine({ measurement, report }: { measurement: HeatSection; report: WireHeatReport | null }) {
  const weights = report === null ? '' : Object.entries(report.nodeWeights).map(([node, weight]) => `node ${node} ${Math.round(weight * 100)}%`).join(', ');
  return (
    <div className="heat-measurement" data-testid="heat-measurement">
      <p>
        <strong>{measurement.label}</strong> · {measurement.resolution} · {measurement.samples} intervals of {measurement.intervalMs} ms · measured{' '}
        {formatClock(measurement.measuredAt)} ({ageText(measurement.measuredAt, Date.now())})
      </p>
      {report !== null ? (
        <p data-testid="heat-locality">
          locality {report.locality === null ? 'n/a' : report.locality.toFixed(2)}{' '}
          <span className="muted">
            (estimate: share of present pages on the nodes the threads ran on, weighted by {report.basis === 'cpu-time' ? 'their CPU time' : 'thread count, the process was idle'}
            {weights ? `: ${weights}` : ''})
          </span>
        </p>
      ) : null}
    </div>
  );
}

function Advice({ report, canMove, onMove }: { report: WireHeatReport; canMove: boolean; onMove(recommendation: WireRecommendation): void }) {
  return (
    <div className="advice" data-testid="advice">
      <strong>Advice</strong>
      {report.recommendations.length === 0 ? <p className="muted">Nothing to move.</p> : null}
      {report.recommendations.length > 0 ? (
        <ol className="advice-list">
          {report.recommendations.map((item) => (
            <li key={`${item.kind}-${item.start}-${item.fromNode}`} data-testid="recommendation">
              <span className={`badge ${item.kind}`}>{item.kind}</span>{' '}
              <span className="mono">
                {item.start}–{item.end}
              </span>{' '}
              · <strong>{formatBytes(item.bytes)}</strong> ({formatCount(item.pages)} pages) · node {item.fromNode} → node {item.toNode} · heat {item.heat.toFixed(2)}
              <button type="button" disabled={!canMove} onClick={() => onMove(item)} data-testid="advice-move" title={item.reason}>
                Move…
              </button>
              <div className="muted small">{item.reason}</div>
            </li>
          ))}
        </ol>
      ) : null}
      {report.notes.map((note) => (
        <p key={note} className="muted small" data-testid="advice-note">
          note: {note}
        </p>
      ))}
    </div>
  );
}

function Hottest({ measurement, report }: { measurement: HeatSection; report: WireHeatReport | null }) {
  const written = measurement.source === 'soft-dirty' ? 'written' : 'accessed';
  const ranges = report !== null ? report.hottest.slice(0, SHOWN_RANGES) : hottestRanges(measurement.ranges, SHOWN_RANGES).map((range) => ({ ...range, nodes: null }));
  return (
    <div className="hottest">
      <strong>Hottest ranges</strong>{' '}
      <span className="muted small">
        heat: share of {measurement.intervalMs} ms intervals {written}; {formatCount(measurement.ranges.length)} in all
      </span>
      {ranges.length === 0 ? (
        <p className="muted">Nothing was {written} in the window.</p>
      ) : (
        <table className="hottest-table" data-testid="hottest">
          <thead>
            <tr>
              <th>start</th>
              <th>end</th>
              <th className="num">size</th>
              <th className="num">heat</th>
              {report !== null ? <th>pages by node</th> : null}
            </tr>
          </thead>
          <tbody>
            {ranges.map((range) => (
              <tr key={range.start}>
                <td className="mono">{range.start}</td>
                <td className="mono">{range.end}</td>
                <td className="num">{formatBytes(Number(BigInt(range.end) - BigInt(range.start)))}</td>
                <td className="num">
                  <span className="heat-cell" style={{ ['--heat' as string]: range.heat }} />
                  {range.heat.toFixed(2)}
                </td>
                {range.nodes !== null ? (
                  <td>
                    {Object.entries(range.nodes)
                      .map(([node, pages]) => `${node}: ${formatCount(pages)}`)
                      .join(' · ') || 'not present'}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
