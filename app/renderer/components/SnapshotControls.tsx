/**
 * Snapshot files: export the shown placement (JSON) and the heatmaps (PNG), open a file to
 * look at offline, and pick a file to compare the shown placement with. Files are read
 * here, in the page: opening one needs no server.
 */
import { useRef, type ChangeEvent } from 'react';

interface Props {
  canExport: boolean;
  onExportJson(): void;
  onExportPng(): void;
  onOpen(file: File): void;
  onCompare(file: File): void;
}

export function SnapshotControls({ canExport, onExportJson, onExportPng, onOpen, onCompare }: Props) {
  const openInput = useRef<HTMLInputElement>(null);
  const compareInput = useRef<HTMLInputElement>(null);
  const take = (handler: (file: File) => void) => (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    // Clear it so choosing the same file again still fires a change.
    event.target.value = '';
    if (file !== undefined) handler(file);
  };
  return (
    <div className="snapshot-controls" role="group" aria-label="Snapshots">
      <button type="button" onClick={() => openInput.current?.click()}>
        Open snapshot…
      </button>
      <input ref={openInput} type="file" accept=".json,.timeline,application/json" hidden data-testid="open-snapshot" onChange={take(onOpen)} />
      <button type="button" onClick={() => compareInput.current?.click()} disabled={!canExport} title="Compare the shown placement with a snapshot file">
        Compare with…
      </button>
      <input ref={compareInput} type="file" accept=".json,application/json" hidden data-testid="compare-snapshot" onChange={take(onCompare)} />
      <button type="button" data-testid="export-snapshot" onClick={onExportJson} disabled={!canExport} title="Save the shown placement as a snapshot file">
        Export JSON
      </button>
      <button type="button" data-testid="export-png" onClick={onExportPng} disabled={!canExport} title="Save the heatmaps as a PNG image">
        Export PNG
      </button>
    </div>
  );
}
