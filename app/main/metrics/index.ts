export { collectMetrics, type MetricsSelection } from './collect.js';
export { CONTENT_TYPES, negotiateFormat, renderExposition, type ExpositionFormat, type MetricFamily } from './exposition.js';
