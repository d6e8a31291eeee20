/**
 * Entry point: pick the transport (Electron preload, serve-mode HTTP, or none), then render.
 * A report page carries its snapshot and talks to nothing, whatever its URL says.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App.js';
import { warmUp } from './heatmap/warmup.js';
import { intervalFromSearch, pidFromSearch } from './model/processes.js';
import { embeddedSnapshot } from './transport/embedded.js';
import { pickTransport } from './transport/pick.js';

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element');
const embedded = embeddedSnapshot(document);
createRoot(root).render(
  <StrictMode>
    <App
      transport={embedded === null ? pickTransport(window) : null}
      initialFile={embedded}
      initialPid={pidFromSearch(window.location.search)}
      initialIntervalMs={intervalFromSearch(window.location.search)}
    />
  </StrictMode>,
);
// After the first paint, while the user picks a process or the first scan runs.
setTimeout(warmUp, 0);
