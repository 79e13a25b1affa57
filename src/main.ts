import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp, createWorkerContext } from './app.js';
import { ConfigError, loadConfig } from './config/app-config.js';

const LISTEN_BACKLOG = 4096;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  if (!config.hasRole('api')) {
    await createWorkerContext(config);
    return;
  }
  const app = await createApp(config);
  // Every interface: receivers reach the server over the network (Fastify alone would bind to localhost).
  // A long queue of connections waiting to be accepted (Linux caps it at net.core.somaxconn; Node's
  // default is 511): when an api process dies, thousands of receivers reconnect to the others at once,
  // and connections beyond the queue wait for a SYN retry, past nginx's 2 s connect timeout.
  await app.listen({ port: config.PORT, host: '0.0.0.0', backlog: LISTEN_BACKLOG });
  Logger.log(`Loa listening on http://localhost:${config.PORT} (roles: ${config.LOA_ROLES.join(', ')}; database: ${config.isPostgres ? 'PostgreSQL' : 'SQLite'})`, 'Loa');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
