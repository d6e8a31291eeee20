/**
 * The node colours against both themes' backgrounds (WCAG 2.1 contrast, 3:1 for graphics):
 * on the dark page every node colour stands out by itself; on the light page the ones that
 * do not get the swatch edge, which must.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeColour } from '../../../app/renderer/heatmap/palette.js';
import { repoRoot } from '../../helpers/target.js';

const css = readFileSync(join(repoRoot, 'app', 'renderer', 'styles.css'), 'utf8');

function variable(name: string): { light: string; dark: string } {
  const match = new RegExp(`--${name}: light-dark\\((#[0-9a-f]{6}), (#[0-9a-f]{6}|transparent)\\);`).exec(css);
  assert.ok(match, `--${name} is not a light-dark() pair in styles.css`);
  return { light: match[1] as string, dark: match[2] as string };
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

const palette = Array.from({ length: 7 }, (_, i) => nodeColour(i));

test('every node colour reaches 3:1 on the dark page and panels', () => {
  for (const surface of [variable('bg').dark, variable('panel').dark]) {
    for (const colour of palette) assert.ok(contrast(colour, surface) >= 3, `${colour} on ${surface}: ${contrast(colour, surface).toFixed(2)}`);
  }
});

test('on the light page a node swatch is told from the background by itself or by its edge', () => {
  const edge = variable('swatch-edge').light;
  for (const surface of [variable('bg').light, variable('panel').light]) {
    assert.ok(contrast(edge, surface) >= 3, `swatch edge ${edge} on ${surface}`);
    // The edge is there because some colours need it; if none did, it would be noise.
    assert.ok(palette.some((colour) => contrast(colour, surface) < 3));
  }
});

test('text keeps 4.5:1 in both themes', () => {
  for (const scheme of ['light', 'dark'] as const) {
    const bg = variable('bg')[scheme];
    for (const name of ['text', 'muted', 'accent', 'error', 'ok', 'warning']) {
      const colour = variable(name)[scheme];
      assert.ok(contrast(colour, bg) >= 4.5, `${scheme}: --${name} ${colour} on ${bg}: ${contrast(colour, bg).toFixed(2)}`);
    }
  }
});
