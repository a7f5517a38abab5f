import { Controller, Get, Query } from '@nestjs/common';
import { auditQuerySchema, type AuditPage } from '@fanout/contracts';
import { Roles } from '../auth/decorators';
import { zodDto } from '../common/zod-dto';
import { AuditService } from './audit.service';

export class AuditQueryDto extends zodDto(auditQuerySchema) {}

@Controller('audit')
@Roles('owner', 'admin')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /** Newest first, `?limit` (1-100, default 50) per page, `?actorId` and `?action` to filter; pass `nextCursor` back as `?cursor`. */
  @Get()
  page(@Query() query: AuditQueryDto): Promise<AuditPage> {
    return this.audit.page(query);
  }
}
