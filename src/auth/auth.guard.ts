import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { requestContext } from '../common/request-context.js';
import type { Role } from '../users/user.entity.js';
import { AuthService } from './auth.service.js';
import { DEVICE_ROUTE, ENROLMENT_ROUTE, PUBLIC_ROUTE, ROLES } from './decorators.js';

/** Every route needs a token unless marked @Public(): a user JWT, or a speaker's device token on @DeviceRoute() routes. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector, private readonly auth: AuthService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & Record<string, unknown>>();
    const token = bearerToken(request);
    if (!token) throw new UnauthorizedException('missing bearer token');

    if (this.reflector.getAllAndOverride<boolean>(DEVICE_ROUTE, targets)) {
      const device = await this.auth.authenticateDevice(token);
      if (!device) throw new UnauthorizedException('unknown device token');
      request.device = device;
      return true;
    }

    const user = await this.auth.authenticateUser(token);
    if (!user) throw new UnauthorizedException('invalid or expired token');
    request.user = user;
    const store = requestContext.getStore();
    if (store) store.user = user;
    if (user.mustEnrolTotp && !this.reflector.getAllAndOverride<boolean>(ENROLMENT_ROUTE, targets)) {
      throw new ForbiddenException('your role needs a second factor: enrol one first (POST /auth/totp, then POST /auth/totp/confirm)');
    }
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(user.role)) throw new ForbiddenException(`role ${user.role} may not do this`);
    // A machine account of a warning system posts alerts and nothing else: only routes that name its role.
    if (user.role === 'alert_source' && !roles) throw new ForbiddenException('role alert_source may only post alerts');
    return true;
  }
}

function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const [scheme, token] = header.split(' ');
  return scheme?.toLowerCase() === 'bearer' && token ? token : null;
}
