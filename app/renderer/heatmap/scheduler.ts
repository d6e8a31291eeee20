/**
 * One animation-frame loop for every redraw: a burst of zoom events or data updates between
 * two frames costs one draw per canvas, and draws never run twice in a frame.
 */
const tasks = new Map<string, () => void>();
let frame = 0;

function run(): void {
  frame = 0;
  const due = [...tasks.values()];
  tasks.clear();
  for (const task of due) task();
}

/** Runs `task` at the next frame; a later schedule with the same key replaces it. */
export function schedule(key: string, task: () => void): void {
  tasks.set(key, task);
  if (frame === 0) frame = requestAnimationFrame(run);
}

export function unschedule(key: string): void {
  tasks.delete(key);
}
