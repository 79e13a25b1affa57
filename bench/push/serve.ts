/**
 * The push bench's api process: configured by its environment like `npm start`, on PORT (fixed, so
 * receivers find it again after a restart), announcing LISTENING on stdout.
 */
import 'reflect-metadata';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/app-config.js';

const config = loadConfig();
const app = await createApp(config);
await app.listen(config.PORT, '127.0.0.1');
console.log(`LISTENING ${config.PORT}`);
