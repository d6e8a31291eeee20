/** The timeline file: a process's placement recorded over time (docs/timeline-format.md). Pure TypeScript, browser safe. */
export * from './format.js';
export { TimelineWriter, type PollInput, type WriterLimits } from './writer.js';
export { parseTimeline, isTimelineText, TimelineReplay, type Timeline, type TimelineReadOptions } from './reader.js';
export { TimelineState } from './state.js';
