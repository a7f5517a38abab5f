import type { Provider, Type } from '@nestjs/common';
import { PreviewController } from './preview.controller';
import { PreviewService } from './preview.service';

/** The live preview: viewers as engine sinks, behind the stream-access check. */
export const PREVIEW_CONTROLLERS: Type[] = [PreviewController];
export const PREVIEW_PROVIDERS: Provider[] = [PreviewService];
