/** How to read the heatmaps, in the layout shown. */
import type { LayoutMode } from '../hooks/useLayoutMode.js';
import { COLOURS, HATCH_CSS, shareColour } from '../heatmap/palette.js';

const STOPS = [0, 0.25, 0.5, 0.75, 1];

export function Legend({ layout = 'rows' }: { layout?: LayoutMode }) {
  const gradient = `linear-gradient(to right, ${STOPS.map((s) => `${shareColour(s)} ${s * 100}%`).join(', ')})`;
  return (
    <div className="legend" aria-label="Legend">
      {layout === 'rows' ? (
        <span className="legend-item">
          <span className="legend-ramp" style={{ background: gradient }} />
          <span>share of the present pages in that address range that are on this node: 0% → 100%</span>
        </span>
      ) : (
        <span className="legend-item" data-testid="legend-strip">
          <span>column colour: the node that holds most of the present pages in that address range (node colours beside the strip)</span>
        </span>
      )}
      <span className="legend-item">
        <span className="legend-swatch" style={{ background: HATCH_CSS }} />
        <span>not present (ENOENT, EFAULT): hatched part of the column = their share</span>
      </span>
      <span className="legend-item">
        <span className="legend-swatch" style={{ background: COLOURS.changed }} />
        <span>changed</span>
      </span>
      <span className="legend-item">
        <span className="legend-swatch selection-sample" />
        <span>selection</span>
      </span>
      <span className="legend-item">
        <span>thin white lines separate regions (gaps between them are left out)</span>
      </span>
    </div>
  );
}
