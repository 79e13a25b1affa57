import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors.js';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser, Roles } from '../auth/decorators.js';
import { AuditEntryPageDto, AuditQuery, AuditVerification } from './audit.dto.js';
import { AuditTrailService } from './audit-trail.service.js';

/** Read-only: no route edits or deletes an entry. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
@Roles('admin', 'auditor')
export class AuditController {
  constructor(private readonly trail: AuditTrailService) {}

  @Get()
  @ApiOkResponse({ type: AuditEntryPageDto })
  @ApiErrors({ status: 404, description: 'userId names nobody, or a user outside your area' })
  list(@CurrentUser() user: AuthUser, @Query() query: AuditQuery) {
    return this.trail.list(user, query);
  }

  @Get('verify')
  @ApiOkResponse({ type: AuditVerification, description: 'the hash chain recomputed' })
  verify() {
    return this.trail.verify();
  }
}
