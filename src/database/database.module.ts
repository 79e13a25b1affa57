import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config.js';
import { dataSourceOptions, ensurePostgresSchema } from './data-source.js';
import { ENTITIES } from './entities.js';
import { WriteTransactions } from './write-transactions.js';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: async (config: AppConfig) => {
        await ensurePostgresSchema(config);
        return dataSourceOptions(config);
      },
    }),
    TypeOrmModule.forFeature(ENTITIES),
  ],
  providers: [WriteTransactions],
  exports: [TypeOrmModule, WriteTransactions],
})
export class DatabaseModule {}
