/** The report page's assembly: code that would end its element is refused, not inlined; names and titles are escaped. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { reportHtml, type RendererFiles } from '../../../app/main/report/report-page.js';

const renderer: RendererFiles = { script: 'document.title;', style: 'body{margin:0}', licences: 'lib: MIT -->' };
const page = { title: 'numascope report: a<b>', name: 'x".json', snapshotJson: '{"comm":"</script>"}', renderer };

describe('reportHtml', () => {
  it('pins the inline script and style by hash and escapes what it is given', () => {
    const html = reportHtml(page);
    const hash = (text: string): string => createHash('sha256').update(text).digest('base64');
    assert.ok(html.includes(`script-src 'sha256-${hash(renderer.script)}'; style-src 'sha256-${hash(renderer.style)}'`));
    assert.ok(html.includes('<title>numascope report: a&#60;b&#62;</title>'));
    assert.ok(html.includes('data-name="x&#34;.json">{"comm":"\\u003c/script>"}</script>'));
    // The licences sit in a comment that their own text cannot end.
    assert.equal(html.match(/-->/g)?.length, 1);
  });

  it('refuses a script or style sheet that would end its element or open a comment', () => {
    for (const script of ['a="</script>"', 'a="</SCRIPT "', 'x<!--y']) {
      assert.throws(() => reportHtml({ ...page, renderer: { ...renderer, script } }), /^ReportError: the renderer bundle holds/);
    }
    assert.throws(() => reportHtml({ ...page, renderer: { ...renderer, style: 'a{}</style>' } }), /^ReportError: the renderer style sheet holds/);
    // React's bundle holds a "<script>" in a string, which is harmless without a comment before it.
    assert.doesNotThrow(() => reportHtml({ ...page, renderer: { ...renderer, script: 'i.innerHTML="<script><\\/script>"' } }));
  });
});
