import { Controller, Get } from '@nestjs/common';
import { PLATFORM_PRESETS, type PlatformPreset } from '@fanout/contracts';

/** The platforms a destination can target, with their servers and rules (any signed-in user). */
@Controller('platforms')
export class PlatformsController {
  @Get()
  list(): readonly PlatformPreset[] {
    return PLATFORM_PRESETS;
  }
}
