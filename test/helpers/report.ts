/** Reading a report page (`numascope report`) back in tests: its title, CSP, embedded snapshot and inlined code. */
import assert from 'node:assert/strict';

/** The parts of a report page the tests look at. */
interface ReportParts {
  title: string;
  csp: string;
  name: string;
  data: string;
  script: string;
  style: string;
}

export function reportParts(html: string): ReportParts {
  const pick = (pattern: RegExp, what: string): string => {
    const match = pattern.exec(html);
    assert.ok(match, `the page has no ${what}`);
    return match[1] as string;
  };
  return {
    title: pick(/<title>([^<]*)<\/title>/, 'title'),
    csp: pick(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/, 'CSP meta tag'),
    name: pick(/<script type="application\/json" id="numascope-snapshot" data-name="([^"]*)">/, 'snapshot element'),
    data: pick(/<script type="application\/json" id="numascope-snapshot"[^>]*>([^<]*)<\/script>/, 'snapshot data'),
    script: pick(/<script>([\s\S]*)<\/script>\n<\/body>/, 'inline script'),
    style: pick(/<style>([\s\S]*?)<\/style>/, 'inline style'),
  };
}
