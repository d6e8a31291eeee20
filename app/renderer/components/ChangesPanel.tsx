/**
 * What changed while watching live: the polls within the span the user chose (the last poll,
 * the last 10 s or minute, or since they cleared), with exact counts, the pages per node and
 * status before and after, and a note when not every changed page is marked.
 */
import { describeStatus } from '../../common/errno.js';
import { CHANGE_SPANS, totalsDelta, type ChangeSpan, type ChangeTally } from '../model/change-window.js';
import { formatCount } from '../model/format.js';
import { COLOURS } from '../heatmap/palette.js';
import { Transitions } from './Transitions.js';

interface Props {
  tally: ChangeTally | null;
  span: ChangeSpan;
  onSpan(span: ChangeSpan): void;
  onClear(): void;
}

function signed(n: number): string {
  return n > 0 ? `+${formatCount(n)}` : `−${formatCount(-n)}`;
}

function heading(span: ChangeSpan, tally: ChangeTally): string {
  if (span === 'poll') return 'Last poll';
  if (span === 'cleared') return tally.since === null ? 'Since cleared' : `Since ${new Date(tally.since).toLocaleTimeString()}`;
  return `Last ${CHANGE_SPANS.find((s) => s.span === span)?.label ?? ''}`;
}

export function ChangesPanel({ tally, span, onSpan, onClear }: Props) {
  const marker = <span className="swatch" style={{ background: COLOURS.changed }} />;
  const deltas = tally?.before != null && tally.after !== null ? totalsDelta(tally.before, tally.after) : [];
  return (
    <section className="changes" aria-label="Live changes" data-testid="changes">
      <label>
        Show changes for{' '}
        <select value={span} onChange={(e) => onSpan(e.target.value as ChangeSpan)} data-testid="change-span">
          {CHANGE_SPANS.map((s) => (
            <option key={s.span} value={s.span}>
              {s.label}
            </option>
          ))}
        </select>
      </label>
      <button type="button" onClick={onClear} data-testid="change-clear" title="Forget the changes seen so far and count from now on">
        Clear
      </button>
      {tally === null ? (
        <span className="muted">first scan: nothing to compare yet</span>
      ) : (
        <>
          <strong>{heading(span, tally)}</strong>
          {tally.total > 0 ? marker : null}
          <span data-testid="changes-counts">
            <span data-testid="changes-total">{formatCount(tally.total)}</span> pages changed
            {tally.newPages > 0 ? ` · ${formatCount(tally.newPages)} newly mapped` : ''}
            {tally.gonePages > 0 ? ` · ${formatCount(tally.gonePages)} no longer mapped` : ''}
            {span !== 'poll' ? <span className="muted"> ({formatCount(tally.polls)} polls; a page that changed twice counts twice)</span> : null}
          </span>
          {tally.marksCut ? (
            <span className="warning" data-testid="changes-cut">
              not every changed page is marked (too many runs of changes); the counts are complete
            </span>
          ) : null}
          {deltas.length > 0 ? (
            <span data-testid="changes-deltas">
              {deltas.map(([status, before, after]) => `${describeStatus(status)}: ${formatCount(before)} → ${formatCount(after)} (${signed(after - before)})`).join(' · ')}
            </span>
          ) : null}
          <Transitions rows={tally.summary} limit={6} />
        </>
      )}
    </section>
  );
}
