import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp, createWorkerContext } from './app.js';
import { ConfigError, loadConfig } from './config/app-config.js';

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
  await app.listen(config.PORT, '0.0.0.0');
  Logger.log(`Loa listening on http://localhost:${config.PORT} (roles: ${config.LOA_ROLES.join(', ')}; database: ${config.isPostgres ? 'PostgreSQL' : 'SQLite'})`, 'Loa');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
