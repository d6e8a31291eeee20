import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const pkg = require('../../../package.json') as { name: string; version: string };

/** Written into snapshots so a file says what made it, and printed by `numascope --version`. */
export const TOOL = { name: pkg.name, version: pkg.version };
