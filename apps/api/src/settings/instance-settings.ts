import { Body, Controller, Get, Injectable, Patch } from '@nestjs/common';
import { type InstanceSettings, updateInstanceSettingsSchema } from '@fanout/contracts';
import { AuditService } from '../audit/audit.service';
import type { User } from '../auth/auth.types';
import { CurrentUser, Roles } from '../auth/decorators';
import { zodDto } from '../common/zod-dto';
import { PrismaService } from '../database/prisma.service';

const DEFAULTS: InstanceSettings = { recordNewStreams: false };

export class UpdateInstanceSettingsDto extends zodDto(updateInstanceSettingsSchema) {}

/** Instance-wide settings, one row per key: what every user reads, and owners change. */
@Injectable()
export class InstanceSettingsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
  ) {}

  async get(): Promise<InstanceSettings> {
    const rows = await this.prisma.client.instanceSetting.findMany({ where: { key: { in: Object.keys(DEFAULTS) } } });
    const out: InstanceSettings = { ...DEFAULTS };
    for (const row of rows) if (row.key === 'recordNewStreams' && typeof row.value === 'boolean') out.recordNewStreams = row.value;
    return out;
  }

  async update(user: User, input: UpdateInstanceSettingsDto): Promise<InstanceSettings> {
    const changed = (Object.keys(input) as (keyof InstanceSettings)[]).filter((key) => input[key] !== undefined);
    for (const key of changed) {
      const value = input[key]!;
      await this.prisma.client.instanceSetting.upsert({ where: { key }, create: { key, value }, update: { value } });
    }
    if (changed.length > 0) await this.audit.record(user, 'settings.update', { type: 'settings', id: null }, { changed });
    return this.get();
  }
}

@Controller('settings')
export class InstanceSettingsController {
  constructor(private readonly settings: InstanceSettingsService) {}

  @Get()
  get(): Promise<InstanceSettings> {
    return this.settings.get();
  }

  @Patch()
  @Roles('owner')
  update(@CurrentUser() user: User, @Body() body: UpdateInstanceSettingsDto): Promise<InstanceSettings> {
    return this.settings.update(user, body);
  }
}
