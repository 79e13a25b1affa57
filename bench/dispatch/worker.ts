/** The worker process the dispatch bench measures: the application context with LOA_ROLES=worker, configured by the environment. */
import 'reflect-metadata';
import { createWorkerContext } from '../../src/app.js';
import { loadConfig } from '../../src/config/app-config.js';

const context = await createWorkerContext(loadConfig());
console.log('ready');
process.once('SIGTERM', () => {
  void context.close().then(() => process.exit(0));
});
