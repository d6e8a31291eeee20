/**
 * The text of a metrics exposition, in the two formats Prometheus scrapes:
 * - OpenMetrics 1.0 (application/openmetrics-text; version=1.0.0): TYPE, UNIT and HELP per
 *   family, `# EOF` at the end; HELP and label values escape \\, \n and \".
 * - Prometheus text 0.0.4 (text/plain; version=0.0.4): HELP and TYPE only, no end marker;
 *   HELP escapes \\ and \n, label values \\, \n and \".
 * Only gauges: everything numascope exports is a reading of the moment.
 */

export interface Sample {
  /** Label names and values, in the order printed. */
  labels: readonly (readonly [string, string])[];
  value: number;
}

export interface MetricFamily {
  /** Ends in `_UNIT` when unit is set (OpenMetrics asks for it). */
  name: string;
  help: string;
  /** OpenMetrics UNIT, e.g. "bytes", "seconds", "ratio". */
  unit?: string;
  type: 'gauge';
  samples: readonly Sample[];
}

export type ExpositionFormat = 'openmetrics' | 'prometheus-text';

export const CONTENT_TYPES: Record<ExpositionFormat, string> = {
  openmetrics: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
  'prometheus-text': 'text/plain; version=0.0.4; charset=utf-8',
};

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (char) => (char === '\n' ? '\\n' : `\\${char}`));
}

export function escapeHelp(text: string, format: ExpositionFormat): string {
  const pattern = format === 'openmetrics' ? /[\\"\n]/g : /[\\\n]/g;
  return text.replace(pattern, (char) => (char === '\n' ? '\\n' : `\\${char}`));
}

/** A sample value: integers exactly, other numbers in JavaScript's shortest round-trip form. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function checkFamily(family: MetricFamily): void {
  if (!NAME.test(family.name)) throw new RangeError(`bad metric name ${JSON.stringify(family.name)}`);
  if (family.unit !== undefined && !family.name.endsWith(`_${family.unit}`)) throw new RangeError(`metric ${family.name} must end in _${family.unit}`);
  for (const sample of family.samples) {
    for (const [name] of sample.labels) if (!LABEL_NAME.test(name) || name.startsWith('__')) throw new RangeError(`bad label name ${JSON.stringify(name)} in ${family.name}`);
  }
}

function sampleLine(name: string, sample: Sample): string {
  const labels = sample.labels.map(([label, value]) => `${label}="${escapeLabelValue(value)}"`).join(',');
  return `${name}${labels === '' ? '' : `{${labels}}`} ${formatValue(sample.value)}\n`;
}

export function renderExposition(families: readonly MetricFamily[], format: ExpositionFormat): string {
  let text = '';
  for (const family of families) {
    checkFamily(family);
    text += `# HELP ${family.name} ${escapeHelp(family.help, format)}\n`;
    text += `# TYPE ${family.name} ${family.type}\n`;
    if (format === 'openmetrics' && family.unit !== undefined) text += `# UNIT ${family.name} ${family.unit}\n`;
    for (const sample of family.samples) text += sampleLine(family.name, sample);
  }
  return format === 'openmetrics' ? `${text}# EOF\n` : text;
}

interface MediaRange {
  type: string;
  params: Map<string, string>;
  q: number;
}

function parseAccept(header: string): MediaRange[] {
  return header.split(',').map((part) => {
    const [type = '', ...rest] = part.split(';').map((piece) => piece.trim());
    const params = new Map<string, string>();
    for (const piece of rest) {
      const eq = piece.indexOf('=');
      if (eq > 0) params.set(piece.slice(0, eq).trim().toLowerCase(), piece.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1'));
    }
    const q = Number(params.get('q') ?? '1');
    return { type: type.toLowerCase(), params, q: Number.isFinite(q) ? q : 0 };
  });
}

/**
 * The format a scraper asked for in Accept: OpenMetrics 1.0.0 when it accepts that at least
 * as much as text/plain, otherwise (no header, only wildcards, only older versions) the
 * Prometheus text format, which every scraper reads.
 */
export function negotiateFormat(accept: string | undefined): ExpositionFormat {
  if (accept === undefined) return 'prometheus-text';
  let openMetrics = 0;
  let plain = 0;
  for (const range of parseAccept(accept)) {
    const version = range.params.get('version');
    if (range.type === 'application/openmetrics-text' && (version === undefined || version === '1.0.0')) openMetrics = Math.max(openMetrics, range.q);
    if (range.type === 'text/plain' && (version === undefined || version === '0.0.4')) plain = Math.max(plain, range.q);
  }
  return openMetrics > 0 && openMetrics >= plain ? 'openmetrics' : 'prometheus-text';
}
