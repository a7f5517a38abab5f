import { createWebhookSchema, updateWebhookSchema, webhookDeliveriesQuerySchema } from '@fanout/contracts';
import { zodDto } from '../common/zod-dto';

export class CreateWebhookDto extends zodDto(createWebhookSchema) {}
export class UpdateWebhookDto extends zodDto(updateWebhookSchema) {}
export class WebhookDeliveriesQueryDto extends zodDto(webhookDeliveriesQuerySchema) {}
