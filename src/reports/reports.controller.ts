import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors.js';
import { Readable } from 'node:stream';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser, Roles } from '../auth/decorators.js';
import { csvLines } from './report-csv.js';
import { DeliveryReport, DeliveryReportQuery } from './report.dto.js';
import { ReportsService } from './reports.service.js';

@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get('deliveries')
  @Roles('admin', 'district_staff', 'auditor')
  @ApiExtraModels(DeliveryReport)
  @ApiOkResponse({
    description: 'format=json: the rows; format=csv: the same rows as CSV (UTF-8 with BOM, a header row), as an attachment',
    content: { 'application/json': { schema: { $ref: getSchemaPath(DeliveryReport) } }, 'text/csv': { schema: { type: 'string' } } },
  })
  @ApiErrors(404, { status: 503, description: 'the report figures are being updated; try again in a moment' })
  async deliveries(@CurrentUser() user: AuthUser, @Query() query: DeliveryReportQuery): Promise<DeliveryReport | StreamableFile> {
    const items = await this.reports.deliveries(user, query);
    if (query.format === 'json') return { items };
    return new StreamableFile(Readable.from(csvLines(query.groupBy, items)), {
      type: 'text/csv; charset=utf-8',
      disposition: `attachment; filename="loa-deliveries-by-${query.groupBy}.csv"`,
    });
  }
}
