/**
 * A real Loa API process for the device benchmarks, configured by its environment like
 * `npm start`, listening on 127.0.0.1 at a random port that it announces on stdout.
 */
import 'reflect-metadata';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/app-config.js';

const app = await createApp(loadConfig());
await app.listen(0, '127.0.0.1');
const { port } = app.getHttpServer().address() as { port: number };
console.log(`LISTENING ${port}`);
