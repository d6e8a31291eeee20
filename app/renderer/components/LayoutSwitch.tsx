/** The heatmaps' layout: a row per node, or one strip coloured by the node that holds most of each column. */
import type { LayoutMode } from '../hooks/useLayoutMode.js';

interface Props {
  mode: LayoutMode;
  onChange(mode: LayoutMode): void;
}

const CHOICES: { mode: LayoutMode; label: string; title: string }[] = [
  { mode: 'rows', label: 'Row per node', title: 'One heatmap per node: the share of each address range on that node' },
  { mode: 'strip', label: 'One strip', title: 'One strip: each address range in the colour of the node holding most of it' },
];

export function LayoutSwitch({ mode, onChange }: Props) {
  return (
    <div className="segmented" role="radiogroup" aria-label="Heatmap layout" data-testid="layout-switch">
      {CHOICES.map((choice) => (
        <button
          key={choice.mode}
          type="button"
          role="radio"
          aria-checked={mode === choice.mode}
          className={mode === choice.mode ? 'on' : undefined}
          title={choice.title}
          data-layout={choice.mode}
          onClick={() => onChange(choice.mode)}
        >
          {choice.label}
        </button>
      ))}
    </div>
  );
}
