import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeHelp, escapeLabelValue, negotiateFormat, renderExposition, type MetricFamily } from '../../../app/main/metrics/exposition.js';

const FAMILIES: MetricFamily[] = [
  {
    name: 'numascope_process_node_bytes',
    help: 'Bytes "on" a node \\ per\nprocess',
    unit: 'bytes',
    type: 'gauge',
    samples: [
      { labels: [['pid', '1'], ['comm', 'a"b\\c\nd'], ['node', '0']], value: 4096 },
      { labels: [['pid', '1'], ['comm', 'a"b\\c\nd'], ['node', '1']], value: 0 },
    ],
  },
  { name: 'numascope_scan_duration_seconds', help: 'Time.', unit: 'seconds', type: 'gauge', samples: [{ labels: [], value: 0.125 }] },
];

test('OpenMetrics: HELP, TYPE, UNIT per family, escaped label values and help, # EOF at the end', () => {
  assert.equal(
    renderExposition(FAMILIES, 'openmetrics'),
    [
      '# HELP numascope_process_node_bytes Bytes \\"on\\" a node \\\\ per\\nprocess',
      '# TYPE numascope_process_node_bytes gauge',
      '# UNIT numascope_process_node_bytes bytes',
      'numascope_process_node_bytes{pid="1",comm="a\\"b\\\\c\\nd",node="0"} 4096',
      'numascope_process_node_bytes{pid="1",comm="a\\"b\\\\c\\nd",node="1"} 0',
      '# HELP numascope_scan_duration_seconds Time.',
      '# TYPE numascope_scan_duration_seconds gauge',
      '# UNIT numascope_scan_duration_seconds seconds',
      'numascope_scan_duration_seconds 0.125',
      '# EOF',
      '',
    ].join('\n'),
  );
});

test('Prometheus text 0.0.4: no UNIT, no EOF, quotes left alone in HELP', () => {
  const text = renderExposition(FAMILIES, 'prometheus-text');
  assert.ok(!text.includes('# UNIT') && !text.includes('# EOF'), text);
  assert.ok(text.startsWith('# HELP numascope_process_node_bytes Bytes "on" a node \\\\ per\\nprocess\n# TYPE numascope_process_node_bytes gauge\n'), text);
  assert.ok(text.includes('comm="a\\"b\\\\c\\nd"'), text);
  assert.equal(escapeHelp('"', 'prometheus-text'), '"');
  assert.equal(escapeLabelValue('\\"\n'), '\\\\\\"\\n');
});

test('a family whose name does not end in its unit, or a bad label name, is refused', () => {
  assert.throws(() => renderExposition([{ name: 'x_bytes', help: '', unit: 'seconds', type: 'gauge', samples: [] }], 'openmetrics'), /must end in _seconds/);
  assert.throws(() => renderExposition([{ name: 'x', help: '', type: 'gauge', samples: [{ labels: [['__x', '1']], value: 1 }] }], 'openmetrics'), /bad label name/);
});

test('negotiateFormat: OpenMetrics for a scraper that prefers it, the text format otherwise', () => {
  // What Prometheus 2.x sends.
  assert.equal(negotiateFormat('application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'), 'openmetrics');
  assert.equal(negotiateFormat('application/openmetrics-text; version=1.0.0; charset=utf-8'), 'openmetrics');
  assert.equal(negotiateFormat('text/plain;version=0.0.4;q=1,application/openmetrics-text;version=1.0.0;q=0.5'), 'prometheus-text');
  assert.equal(negotiateFormat('application/openmetrics-text;version=0.0.1'), 'prometheus-text');
  assert.equal(negotiateFormat('application/openmetrics-text;version=1.0.0;q=0'), 'prometheus-text');
  assert.equal(negotiateFormat('*/*'), 'prometheus-text');
  assert.equal(negotiateFormat(undefined), 'prometheus-text');
});
