import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiErrors } from '../openapi/api-errors.js';
import type { Role } from '../users/user.entity.js';
import type { AuthDevice, AuthUser } from './auth-user.js';

export const PUBLIC_ROUTE = 'loa:public';
export const DEVICE_ROUTE = 'loa:device';
export const ROLES = 'loa:roles';
export const ENROLMENT_ROUTE = 'loa:enrolment';

/** No token needed. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);
/** Authenticated by a speaker's device token instead of a user token. */
export const DeviceRoute = () => SetMetadata(DEVICE_ROUTE, true);
/** Only these roles; everyone else gets 403 (documented as such). */
export const Roles = (...roles: Role[]) => applyDecorators(SetMetadata(ROLES, roles), ApiErrors(403));
/** Open to a user who must enrol a second factor before anything else (LOA_REQUIRE_TOTP). */
export const EnrolmentRoute = () => SetMetadata(ENROLMENT_ROUTE, true);

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthUser => ctx.switchToHttp().getRequest().user);
export const CurrentDevice = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthDevice => ctx.switchToHttp().getRequest().device);
