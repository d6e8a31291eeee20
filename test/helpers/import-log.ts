/**
 * `node --import ./dist/test/helpers/import-log.js ...` appends the URL of every module the
 * program loads to the file named by NUMASCOPE_IMPORT_LOG, so a test can see what a command
 * pulled in at start-up.
 */
import { register } from 'node:module';

register('./import-log-hooks.js', import.meta.url);
