import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser, Roles } from '../auth/decorators.js';
import { notFoundUnless } from '../auth/scope.js';
import { ApiErrors } from '../openapi/api-errors.js';
import { AreaImportDto, StartAreaImportDto } from './area-import.dto.js';
import { AreaImportJobs } from './area-import.jobs.js';
import { AreaImportService } from './area-import.service.js';

@ApiTags('areas')
@ApiBearerAuth()
@Controller('areas/imports')
export class AreaImportController {
  constructor(private readonly importer: AreaImportService, private readonly jobs: AreaImportJobs) {}

  @Post()
  @Roles('admin')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Import the official administrative units (34 provinces, 3,321 communes and wards, 2025)',
    description: 'Starts the import as a job and answers it at once; follow it with GET /areas/imports/{id}. While one import is waiting or running, starting another answers that one. Idempotent: a second run adds nothing and renames what the official list renamed.',
  })
  @ApiAcceptedResponse({ type: AreaImportDto })
  @ApiErrors({ status: 400, description: 'no official province has that code' })
  async start(@CurrentUser() user: AuthUser, @Body() dto: StartAreaImportDto): Promise<AreaImportDto> {
    this.importer.assertMayImport(user);
    this.importer.plan(dto.province);
    return (await this.jobs.unfinished()) ?? this.jobs.add({ provinceCode: dto.province ?? null, userId: user.id });
  }

  @Get(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'Progress and outcome of an import (kept for a day after it ends)' })
  @ApiOkResponse({ type: AreaImportDto })
  @ApiErrors(404)
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<AreaImportDto> {
    const found = await this.jobs.get(id);
    notFoundUnless(!!found, 'import');
    return found!;
  }
}
