import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Readable } from 'node:stream';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser, Roles } from '../auth/decorators.js';
import { csvLines } from './report-csv.js';
import { DeliveryReportQuery, type DeliveryReport } from './report.dto.js';
import { ReportsService } from './reports.service.js';

@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get('deliveries')
  @Roles('admin', 'district_staff', 'auditor')
  async deliveries(@CurrentUser() user: AuthUser, @Query() query: DeliveryReportQuery): Promise<DeliveryReport | StreamableFile> {
    const items = await this.reports.deliveries(user, query);
    if (query.format === 'json') return { items };
    return new StreamableFile(Readable.from(csvLines(query.groupBy, items)), {
      type: 'text/csv; charset=utf-8',
      disposition: `attachment; filename="loa-deliveries-by-${query.groupBy}.csv"`,
    });
  }
}
