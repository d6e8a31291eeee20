/**
 * Runs the drawing code once on made-up data while the page is idle at start-up, so the
 * first real draw of a process runs compiled code instead of paying for the JIT (and for
 * the canvas and pattern set-up) while the user waits for the heatmaps.
 */
import { aggregateBins } from '../model/bins.js';
import { buildLayout } from '../model/layout.js';
import { decodeTile } from '../model/tiles.js';
import { drawOverlay, imageFor, paintHeatmap } from './draw.js';

export function warmUp(): void {
  const canvas = document.createElement('canvas');
  canvas.width = 1024;
  canvas.height = 56;
  const ctx = canvas.getContext('2d');
  if (ctx === null) return;
  const pages = 1 << 16;
  const layout = buildLayout([{ start: 0x10000n, end: 0x10000n + BigInt(pages) * 4096n, name: 'warm-up', path: '', perms: 'rw-p', kind: 'anon' }], 4096);
  const runs: number[] = [];
  for (let i = 0; i < pages; i += 16) runs.push(16, (i >> 4) % 5 === 4 ? -2 : (i >> 4) % 4);
  const statuses = [-2, 0, 1, 2, 3];
  const counts: number[] = [];
  for (let b = 0; b < pages / 64; b++) counts.push(4, 15, 15, 15, 15);
  const tiles = [decodeTile({ kind: 'runs', from: 0, to: pages, runs }), decodeTile({ kind: 'bins', from: 0, to: pages, pagesPerBin: 64, statuses, counts })];
  const image = imageFor(canvas, ctx);
  for (let round = 0; round < 4; round++) {
    for (const tile of tiles) {
      const bins = aggregateBins({ layout, tile }, { start: round * 7.5, pagesPerPixel: pages / 1024 - round, width: 1024 }, [0, 1, 2, 3]);
      for (let slot = 0; slot < 4; slot++) {
        const options = { markerRows: 4, hatchPeriod: 4 };
        const overlay = paintHeatmap(image, bins, slot, null, options);
        ctx.putImageData(image, 0, 0);
        drawOverlay(ctx, overlay, canvas.height, options);
      }
    }
  }
}
