/**
 * Input-to-paint latency, as the user sees it: from a wheel, drag or key event's timeStamp to
 * the end of the frame that first shows the view (or selection) it asked for, and to the
 * first frame drawn from tiles fine enough for that view. Measured in the page as performance
 * measures the input benchmark (bench/input/) and DevTools read.
 */
import type { InputDetail, InputKind } from '../../common/draw-detail.js';
import { measure } from './marks.js';
import { afterPaint } from './scheduler.js';

export type { InputDetail, InputKind } from '../../common/draw-detail.js';

/** Measured from an input event to the end of the first frame painted after the draw that shows it. */
export const INPUT_TO_PAINT = 'numascope:input-to-paint';
/** Measured from an input event to the end of the first frame showing its view from fine enough tiles. */
export const INPUT_TO_FINE = 'numascope:input-to-fine';

/** One user input: when its event happened (Event.timeStamp, on performance.now()'s clock) and what it was. */
export interface UserInput {
  at: number;
  kind: InputKind;
}

/** The input a DOM event is, or null for events that are not a pan, zoom or key (and for none). */
export function inputOfEvent(event: unknown, fallback: UserInput | null): UserInput | null {
  if (typeof WheelEvent !== 'undefined' && event instanceof WheelEvent) return { at: event.timeStamp, kind: 'zoom' };
  if (typeof MouseEvent !== 'undefined' && event instanceof MouseEvent) return { at: event.timeStamp, kind: 'pan' };
  return fallback;
}

/** Reports each input once to its first painted frame, and once to its first fine one. */
export class InputLatency {
  private painted: UserInput | null = null;
  private refined: UserInput | null = null;

  /** After a draw of the view `input` asked for. */
  drawn(input: UserInput | null, detail: Omit<InputDetail, 'kind'>): void {
    if (input === null) return;
    if (input !== this.painted) {
      this.painted = input;
      afterPaint(() => measure(INPUT_TO_PAINT, input.at, performance.now(), { ...detail, kind: input.kind } satisfies InputDetail));
    }
    if (detail.fine && input !== this.refined) {
      this.refined = input;
      afterPaint(() => measure(INPUT_TO_FINE, input.at, performance.now(), { ...detail, kind: input.kind } satisfies InputDetail));
    }
  }
}
