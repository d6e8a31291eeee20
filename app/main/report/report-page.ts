/**
 * One self-contained HTML page: the built renderer (dist/renderer's script and style sheet,
 * inlined) and a snapshot (embedded as JSON the page reads, app/common/embedded-snapshot.ts).
 * It opens from file:// in any browser, with no server and no network.
 *
 * Its Content-Security-Policy is a meta tag (a file has no headers) that allows exactly the
 * inline script and style sheet written here, by their SHA-256, and nothing from anywhere:
 * no other script, no connection, no frame, no form. The JSON element is data, never run, so
 * the policy does not need to name it. (frame-ancestors cannot be set from a meta tag.)
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EMBEDDED_NAME_ATTRIBUTE, EMBEDDED_SNAPSHOT_ID, EMBEDDED_SNAPSHOT_TYPE, jsonForScriptElement } from '../../common/embedded-snapshot.js';

/**
 * dist/renderer, from this module (dist/app/main/report/) or from the command line's
 * single-file bundle (dist/app/main/cli/), which sit at the same depth.
 */
export const RENDERER_DIR = resolve(fileURLToPath(import.meta.url), '..', '..', '..', '..', 'renderer');

/** The built renderer, as inlined into a report. */
export interface RendererFiles {
  script: string;
  style: string;
  /** The licences of the libraries bundled into the script (esbuild's linked legal comments). */
  licences: string;
}

/** A failure to assemble the page, in one line. */
export class ReportError extends Error {
  override name = 'ReportError';
}

/**
 * Text that would end the element it sits in, or put the HTML parser into an escaped state
 * (`<!--`; only after one does a `<script` inside matter, and React's bundle holds one).
 */
const BREAKS_SCRIPT = /<\/script|<!--/i;
const BREAKS_STYLE = /<\/style/i;

export async function readRendererFiles(dir: string = RENDERER_DIR): Promise<RendererFiles> {
  const read = async (name: string): Promise<string> => {
    try {
      return await readFile(join(dir, name), 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new ReportError(`the renderer is not built: ${join(dir, name)} is missing (run npm run build)`);
      throw new ReportError(`cannot read the renderer's ${join(dir, name)}: ${code ?? String(error)}`);
    }
  };
  const [script, style] = await Promise.all([read('app.js'), read('styles.css')]);
  const licences = await read('app.js.LEGAL.txt').catch(() => '');
  return { script: inlineScript(script), style, licences };
}

/**
 * The bundle without its pointers to files beside it (the source map, the licence file):
 * from a report they would point at nothing, and the licences are in the page instead.
 */
function inlineScript(script: string): string {
  return script
    .replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n')
    .replace(/\/\*! For license information please see [^*]*\*\/\n?/, '');
}

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

export function contentSecurityPolicy(files: Pick<RendererFiles, 'script' | 'style'>): string {
  return [
    "default-src 'none'",
    `script-src ${sha256(files.script)}`,
    `style-src ${sha256(files.style)}`,
    // The PNG export draws the heatmaps into an image and saves it through a blob: URL.
    'img-src data: blob:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** Text for HTML content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A licence text inside an HTML comment, which `--` would end early in some parsers. */
function asComment(text: string): string {
  return text.replace(/--/g, '- -').replace(/>/g, '&gt;');
}

export interface ReportPage {
  /** The page's title (the browser's tab): the process, its host and the time. */
  title: string;
  /** The snapshot's name, shown in the page as the file looked at. */
  name: string;
  /** The snapshot file's JSON text, already validated by the snapshot reader. */
  snapshotJson: string;
  renderer: RendererFiles;
}

export function reportHtml({ title, name, snapshotJson, renderer }: ReportPage): string {
  if (BREAKS_SCRIPT.test(renderer.script)) throw new ReportError('the renderer bundle holds "</script" or "<!--" and cannot be inlined into a page');
  if (BREAKS_STYLE.test(renderer.style)) throw new ReportError('the renderer style sheet holds "</style" and cannot be inlined into a page');
  const licences = renderer.licences.trim() === '' ? '' : `<!--\nnumascope report. The page's script bundles these libraries:\n${asComment(renderer.licences)}\n-->\n`;
  // The script is a classic one at the end of the body: #root and the snapshot exist when it runs.
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(renderer))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<style>${renderer.style}</style>
</head>
<body>
${licences}<div id="root"></div>
<noscript>This numascope report needs JavaScript.</noscript>
<script type="${EMBEDDED_SNAPSHOT_TYPE}" id="${EMBEDDED_SNAPSHOT_ID}" ${EMBEDDED_NAME_ATTRIBUTE}="${escapeHtml(name)}">${jsonForScriptElement(snapshotJson)}</script>
<script>${renderer.script}</script>
</body>
</html>
`;
}
