import { Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { AppConfig } from '../config/app-config.js';
import { UsersModule } from '../users/users.module.js';
import { AccountService } from './account.service.js';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { Credentials } from './credentials.js';
import { resolveJwtSecret } from './jwt-secret.js';
import { PasswordAttempts } from './password-attempts.js';
import { RetryAfterFilter } from './retry-after.filter.js';
import { SecondFactor } from './second-factor.js';

@Global()
@Module({
  imports: [
    UsersModule,
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({ secret: resolveJwtSecret(config), signOptions: { expiresIn: config.LOA_TOKEN_TTL_SEC } }),
    }),
  ],
  controllers: [AuthController],
  providers: [AuthService, AccountService, Credentials, PasswordAttempts, SecondFactor, { provide: APP_GUARD, useClass: AuthGuard }, { provide: APP_FILTER, useClass: RetryAfterFilter }],
  exports: [AuthService, Credentials],
})
export class AuthModule {}
