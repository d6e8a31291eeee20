/** The tooltip beside the pointer, kept inside the window. */
import { useEffect, useRef, useState } from 'react';
import type { Hover } from '../hooks/useHeatmapHover.js';

export function HeatmapTooltip({ hover }: { hover: Hover }) {
  const ref = useRef<HTMLDivElement>(null);
  const [position, setPosition] = useState({ left: hover.clientX + 14, top: hover.clientY + 16 });
  useEffect(() => {
    const element = ref.current;
    if (element === null) return;
    const { width, height } = element.getBoundingClientRect();
    const left = Math.min(hover.clientX + 14, window.innerWidth - width - 8);
    const top = hover.clientY + 16 + height > window.innerHeight ? hover.clientY - height - 10 : hover.clientY + 16;
    setPosition({ left: Math.max(4, left), top: Math.max(4, top) });
  }, [hover]);
  return (
    <div ref={ref} className="tooltip" role="tooltip" data-testid="heatmap-tooltip" style={position}>
      {hover.lines.map((line, i) => (
        <div key={i} className={i === 0 ? 'tooltip-address' : undefined}>
          {line}
        </div>
      ))}
    </div>
  );
}
