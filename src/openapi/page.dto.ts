import type { Type } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import type { Page } from '../common/pagination.js';

/**
 * A named `{items, total}` schema for a list route: `export class AreaPageDto extends PageOf(AreaDto) {}`
 * then `@ApiOkResponse({ type: AreaPageDto })`.
 */
export function PageOf<T>(item: Type<T>): Type<Page<T>> {
  class PageDto implements Page<T> {
    @ApiProperty({ type: [item] })
    items: T[];

    @ApiProperty({ type: 'integer', description: 'all matching items, of which this page is a slice (?limit, ?offset)', minimum: 0 })
    total: number;
  }
  return PageDto;
}
