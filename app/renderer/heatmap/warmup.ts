/**
 * Runs the code between a placement's arrival and its first picture once on made-up data
 * while the page is idle at start-up, so the first real draw of a process runs compiled
 * code instead of paying for the JIT (and for the canvas, hatch tile and font set-up) while
 * the user waits for the heatmaps: the view model of the regions, the binning, the paint
 * and the ruler.
 */
import type { PlacementSummary, SummaryVma } from '../../common/placement-tiles.js';
import { aggregateBins } from '../model/bins.js';
import { buildViewData } from '../model/data.js';
import { decodeTile } from '../model/tiles.js';
import { drawOverlay, imageFor, paintHeatmap } from './draw.js';
import { drawRuler } from './ruler.js';

const PAGE_SIZE = 4096;

/** 64 regions of 1,024 pages over four nodes, with pages not present, shaped like an update's summary. */
function madeUpSummary(): PlacementSummary {
  const vmas: SummaryVma[] = [];
  for (let i = 0; i < 64; i++) {
    const start = 0x7f0000000000 + i * 0x10000000;
    vmas.push({
      start: `0x${start.toString(16)}`,
      end: `0x${(start + 1024 * PAGE_SIZE).toString(16)}`,
      perms: 'rw-p',
      path: '',
      name: `warm-up ${i}`,
      kind: 'anon',
      counts: [
        [512, i % 4],
        [256, (i + 1) % 4],
        [256, -2],
      ],
    });
  }
  const nodes = [0, 1, 2, 3].map((id) => ({ id, cpus: [id], memTotal: 1 << 30, memFree: 1 << 29, distances: [10, 20, 20, 20], cpuless: false, memoryTier: null }));
  return {
    tool: null,
    takenAt: new Date(0).toISOString(),
    kernel: '',
    pageSize: PAGE_SIZE,
    process: { pid: 0, comm: 'warm-up', cmdline: [], startTime: 0 },
    nodes,
    withMemory: [0, 1, 2, 3],
    memoryTiers: [],
    totals: { byNode: {}, byStatus: {} },
    vmas,
    totalPages: 64 * 1024,
  };
}

export function warmUp(): void {
  const canvas = document.createElement('canvas');
  canvas.width = 1024;
  canvas.height = 56;
  const ctx = canvas.getContext('2d');
  if (ctx === null) return;
  const summary = madeUpSummary();
  let data = buildViewData(summary);
  for (let round = 0; round < 3; round++) data = buildViewData(summary);
  const { layout } = data;
  const pages = layout.totalPages;
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
        // The options of a draw at device pixel ratio 1, so the hatch tile made here is the one the panels use.
        const options = { markerRows: 4, hatchPeriod: 4 };
        const overlay = paintHeatmap(image, bins, slot, null, options);
        ctx.putImageData(image, 0, 0);
        drawOverlay(ctx, overlay, canvas.height, options);
      }
    }
  }
  // The whole layout (bands only: the regions are too narrow for names), then a few regions wide enough for their labels.
  const ruler = document.createElement('canvas');
  for (const pagesPerPixel of [pages / 1024, 4]) drawRuler(ruler, data, { start: 0, pagesPerPixel, width: 1024 }, 1);
}
