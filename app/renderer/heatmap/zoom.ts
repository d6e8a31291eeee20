/**
 * The arithmetic between d3-zoom's transform and the heatmaps' view, and what each gesture
 * or key asks of the zoom. Only x matters: every panel shares one horizontal view.
 */
import type { Layout } from '../model/layout.js';
import { viewOfSpan, type View } from '../model/view.js';

/** d3-zoom's transform along x: scale k and translation x, in CSS pixels. */
export interface ZoomTransform {
  k: number;
  x: number;
}

export const IDENTITY: ZoomTransform = { k: 1, x: 0 };

/** Deepest zoom: this many CSS pixels a page. */
export const MAX_PIXELS_PER_PAGE = 32;

/** Pages a CSS pixel holds at k = 1, when the whole layout fits the width. */
export function basePagesPerPixel(totalPages: number, width: number): number {
  return Math.max(totalPages, 1) / Math.max(width, 1);
}

/** The largest scale d3-zoom may reach: MAX_PIXELS_PER_PAGE pixels a page. */
export function maxScale(basePerPixel: number): number {
  return Math.max(1, basePerPixel * MAX_PIXELS_PER_PAGE);
}

export function viewOfTransform(transform: ZoomTransform, basePerPixel: number, width: number): View {
  return { start: (-transform.x * basePerPixel) / transform.k, pagesPerPixel: basePerPixel / transform.k, width };
}

/** The transform that shows `view` (never zoomed out past the whole layout). */
export function transformOfView(view: View, basePerPixel: number): ZoomTransform {
  const k = Math.max(1, basePerPixel / view.pagesPerPixel);
  return { k, x: (-view.start * k) / basePerPixel };
}

/**
 * The view that keeps the same addresses at the left edge after the layout changed under a
 * zoomed view (regions grew or appeared before it): the region at the old left edge, found
 * again by its start address, at the same pages per pixel. Null when that region is gone.
 */
export function reanchoredView(before: { layout: Layout; view: View }, layout: Layout, width: number): View | null {
  const oldStart = before.view.start;
  const region = before.layout.regions.find((r) => r.offset <= oldStart && oldStart < r.offset + r.pages);
  if (region === undefined) return null;
  const moved = layout.regions.find((r) => r.start === region.start);
  if (moved === undefined) return null;
  return { start: moved.offset + (oldStart - region.offset), pagesPerPixel: before.view.pagesPerPixel, width };
}

/** The view a focus request on layout pages [from, to) zooms onto. */
export function focusView(layout: Layout, width: number, from: number, to: number): View {
  return viewOfSpan(layout, width, from, to, 0.02, 1 / MAX_PIXELS_PER_PAGE);
}

interface WheelInput {
  deltaX: number;
  deltaY: number;
  shiftKey: boolean;
}

/** A mostly vertical wheel turn without shift zooms (d3-zoom handles it). */
export function wheelZooms(event: WheelInput): boolean {
  return !event.shiftKey && Math.abs(event.deltaY) >= Math.abs(event.deltaX);
}

/** Horizontal scrolling (shift+wheel, trackpad swipes) pans: the pixels to pan by, or null to leave the event alone. */
export function wheelPanPixels(event: WheelInput): number | null {
  if (!event.shiftKey && Math.abs(event.deltaX) <= Math.abs(event.deltaY)) return null;
  return event.shiftKey ? event.deltaY || event.deltaX : event.deltaX;
}

/** A left-button drag pans when shift is held or when it starts on the ruler. */
export function mouseDownPans(button: number, shiftKey: boolean, onPanHandle: boolean): boolean {
  return button === 0 && (shiftKey || onPanHandle);
}

export type KeyCommand =
  | { kind: 'pan'; pixels: number }
  | { kind: 'zoom'; factor: number }
  | { kind: 'reset' }
  | { kind: 'clear-selection' };

/** Arrow keys pan by 15% of the width, + and - zoom by 1.5 about the centre, 0 and Home reset, Escape clears the selection. */
export function keyCommand(key: string, width: number): KeyCommand | null {
  const step = width * 0.15;
  switch (key) {
    case 'ArrowLeft':
      return { kind: 'pan', pixels: step };
    case 'ArrowRight':
      return { kind: 'pan', pixels: -step };
    case '+':
    case '=':
      return { kind: 'zoom', factor: 1.5 };
    case '-':
      return { kind: 'zoom', factor: 1 / 1.5 };
    case '0':
    case 'Home':
      return { kind: 'reset' };
    case 'Escape':
      return { kind: 'clear-selection' };
    default:
      return null;
  }
}
