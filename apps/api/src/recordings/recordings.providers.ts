import type { Provider, Type } from '@nestjs/common';
import { InstanceSettingsController, InstanceSettingsService } from '../settings/instance-settings';
import { RecordingFiles } from './recording-files';
import { RecordingHost } from './recording-host';
import { RecordingRetention } from './recording-retention';
import { RecordingsController } from './recordings.controller';
import { RecordingsRepository } from './recordings.repository';
import { RecordingsService } from './recordings.service';

/** Recordings: the host that puts a recorder into engines, the files, retention, and the routes. */
export const RECORDINGS_CONTROLLERS: Type[] = [RecordingsController, InstanceSettingsController];
export const RECORDINGS_PROVIDERS: Provider[] = [
  RecordingsRepository,
  RecordingFiles,
  RecordingRetention,
  RecordingHost,
  RecordingsService,
  InstanceSettingsService,
];
