/** What every heatmap panel draws over its canvas besides the selection: the "go to" mark and the hover line. */
interface Props {
  mark: { left: number; width: number } | null;
  /** x of the pointer in the panel, or null. */
  hoverLeft: number | null;
}

export function PanelMarks({ mark, hoverLeft }: Props) {
  return (
    <>
      {mark !== null ? <div className="goto-mark" data-testid="goto-mark" style={{ left: mark.left, width: mark.width }} /> : null}
      {hoverLeft !== null ? <div className="hover-line" style={{ left: hoverLeft }} /> : null}
    </>
  );
}
