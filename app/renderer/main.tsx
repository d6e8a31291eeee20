/** Entry point: pick the transport (Electron preload, serve-mode HTTP, or none), then render. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App.js';
import { warmUp } from './heatmap/warmup.js';
import { intervalFromSearch, pidFromSearch } from './model/processes.js';
import { pickTransport } from './transport/pick.js';

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App transport={pickTransport(window)} initialPid={pidFromSearch(window.location.search)} initialIntervalMs={intervalFromSearch(window.location.search)} />
  </StrictMode>,
);
// After the first paint, while the user picks a process or the first scan runs.
setTimeout(warmUp, 0);
