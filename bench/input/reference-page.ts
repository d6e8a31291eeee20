/**
 * The input bench's reference: what this browser itself costs from an input event to a
 * painted frame, in a page that does the least a heatmap could do. It fills a canvas as
 * wide as the app's panels inside the event's own handler and measures as the app does
 * (app/renderer/heatmap/input-latency.ts: the event's timeStamp to a task queued from the
 * next animation frame, which runs after that frame's paint). It offers what the bench
 * looks for in the app: node panels, a ruler to drag, `numascope:first-draw`, and
 * `numascope:input-to-paint` measures with the gesture's kind.
 */

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>input reference</title>
<style>body { margin: 20px; font: 12px system-ui, sans-serif; } canvas { display: block; width: 1360px; }</style>
<canvas class="ruler" width="1360" height="20"></canvas>
<canvas data-node-panel="0" width="1360" height="96"></canvas>
<canvas data-node-panel="1" width="1360" height="96"></canvas>
<canvas data-node-panel="2" width="1360" height="96"></canvas>
<canvas data-node-panel="3" width="1360" height="96"></canvas>
<script>
const canvases = [...document.querySelectorAll('canvas')];
let colour = 0;
function fill() {
  colour = (colour + 47) % 360;
  for (const canvas of canvases) {
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = 'hsl(' + colour + ', 45%, 55%)';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
  }
}
function shown(kind, event) {
  fill();
  const at = event.timeStamp;
  requestAnimationFrame(() => setTimeout(() => performance.measure('numascope:input-to-paint', { start: at, end: performance.now(), detail: { kind, fine: true } }), 0));
}
let drag = null;
for (const canvas of canvases) {
  canvas.addEventListener('wheel', (event) => { event.preventDefault(); shown('zoom', event); }, { passive: false });
  canvas.addEventListener('pointerdown', () => { drag = canvas.classList.contains('ruler') ? 'pan' : 'select'; });
}
window.addEventListener('pointermove', (event) => { if (drag !== null && event.buttons !== 0) shown(drag, event); });
window.addEventListener('pointerup', () => { drag = null; });
fill();
requestAnimationFrame(() => performance.mark('numascope:first-draw'));
</script>`;

/** The reference page as a URL the browser opens without a server. */
export const REFERENCE_URL = `data:text/html,${encodeURIComponent(PAGE)}`;
