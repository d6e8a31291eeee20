/**
 * One animation-frame loop for every redraw: a burst of zoom events or data updates between
 * two frames costs one draw per canvas, and draws never run twice in a frame.
 */
const tasks = new Map<string, () => void>();
let frame = 0;
let running = false;

function run(): void {
  frame = 0;
  const due = [...tasks.values()];
  tasks.clear();
  running = true;
  try {
    for (const task of due) task();
  } finally {
    running = false;
  }
}

/** True while the scheduled tasks of an animation frame run (so what they draw is painted in this frame). */
export function inScheduledFrame(): boolean {
  return running;
}

/** Runs `task` at the next frame; a later schedule with the same key replaces it. */
export function schedule(key: string, task: () => void): void {
  tasks.set(key, task);
  if (frame === 0) frame = requestAnimationFrame(run);
}

export function unschedule(key: string): void {
  tasks.delete(key);
}

/**
 * Runs `task` once the next frame has been painted (a task queued from an animation frame
 * runs after that frame's paint), or after `fallbackMs` if no frame comes: a hidden page
 * gets no animation frames. Returns a function that cancels it.
 */
export function afterNextPaint(task: () => void, fallbackMs = 250): () => void {
  let done = false;
  let timer = 0;
  const once = (): void => {
    if (done) return;
    done = true;
    cancelAnimationFrame(frameId);
    clearTimeout(timer);
    clearTimeout(fallback);
    task();
  };
  const frameId = requestAnimationFrame(() => {
    timer = window.setTimeout(once, 0);
  });
  const fallback = window.setTimeout(once, fallbackMs);
  return () => {
    done = true;
    cancelAnimationFrame(frameId);
    clearTimeout(timer);
    clearTimeout(fallback);
  };
}

/**
 * Runs `task` once what was drawn just now has been painted: after this frame when called
 * from an animation frame (a task queued there runs after the frame's paint), else after the
 * next one.
 */
export function afterPaint(task: () => void): void {
  if (running) window.setTimeout(task, 0);
  else afterNextPaint(task);
}
