/**
 * Where the sampler's worker thread script is: the single-file bundle that
 * scripts/build-worker.mjs makes, dist/worker/sampler-worker.mjs.
 *
 * In the packaged app this module sits inside app.asar, but a worker thread's script and the
 * koffi native module it loads must be real files: electron-builder.yml unpacks both into
 * app.asar.unpacked, and the path here is turned to point there. Every run of the CLI, serve
 * mode and the tests starts the same bundle, so the packaged path is the tested one.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The bundle, relative to this module's compiled file (dist/app/main/sampler/). */
const BUNDLE_FROM_HERE = '../../../worker/sampler-worker.mjs';

/** The worker script's URL for a module at `moduleUrl`, with app.asar swapped for its unpacked twin. */
export function samplerWorkerUrl(moduleUrl: string = import.meta.url): URL {
  const bundle = fileURLToPath(new URL(BUNDLE_FROM_HERE, moduleUrl));
  return pathToFileURL(unpackedPath(bundle));
}

/** `/x/resources/app.asar/dist/a.mjs` -> `/x/resources/app.asar.unpacked/dist/a.mjs`; other paths unchanged. */
export function unpackedPath(path: string): string {
  return path.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}
