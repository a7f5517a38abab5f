import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import type { CreatedWebhookEndpoint, RotatedWebhookSecret, User, WebhookDelivery, WebhookDeliveryPage, WebhookEndpoint } from '@fanout/contracts';
import { CurrentUser, Roles } from '../auth/decorators';
import { UuidParam } from '../common/uuid-param';
import { CreateWebhookDto, UpdateWebhookDto, WebhookDeliveriesQueryDto } from './webhooks.dto';
import { WebhooksService } from './webhooks.service';

/** Webhook endpoints and their delivery log, for owners and admins (a member gets 403). */
@Controller()
@Roles('owner', 'admin')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get('webhooks')
  list(): Promise<WebhookEndpoint[]> {
    return this.webhooks.list();
  }

  /** 201 with the secret, the only time it is shown; 409 LIMIT_REACHED. */
  @Post('webhooks')
  create(@CurrentUser() user: User, @Body() body: CreateWebhookDto): Promise<CreatedWebhookEndpoint> {
    return this.webhooks.create(user, body);
  }

  @Patch('webhooks/:id')
  update(@CurrentUser() user: User, @Param('id', new UuidParam('webhook')) id: string, @Body() body: UpdateWebhookDto): Promise<WebhookEndpoint> {
    return this.webhooks.update(user, id, body);
  }

  @Delete('webhooks/:id')
  @HttpCode(204)
  remove(@CurrentUser() user: User, @Param('id', new UuidParam('webhook')) id: string): Promise<void> {
    return this.webhooks.remove(user, id);
  }

  /** A new secret, shown once; the old one signs too for a day. */
  @Post('webhooks/:id/rotate')
  @HttpCode(200)
  rotate(@CurrentUser() user: User, @Param('id', new UuidParam('webhook')) id: string): Promise<RotatedWebhookSecret> {
    return this.webhooks.rotate(user, id);
  }

  /** Sends a `ping` and answers with its delivery after the first attempt. */
  @Post('webhooks/:id/test')
  @HttpCode(200)
  test(@Param('id', new UuidParam('webhook')) id: string): Promise<WebhookDelivery> {
    return this.webhooks.test(id);
  }

  @Get('webhooks/:id/deliveries')
  deliveries(@Param('id', new UuidParam('webhook')) id: string, @Query() query: WebhookDeliveriesQueryDto): Promise<WebhookDeliveryPage> {
    return this.webhooks.deliveries(id, query);
  }

  /** 201: a new delivery of the same event (same webhook-id), due now. */
  @Post('webhook-deliveries/:id/redeliver')
  redeliver(@CurrentUser() user: User, @Param('id', new UuidParam('delivery')) id: string): Promise<WebhookDelivery> {
    return this.webhooks.redeliver(user, id);
  }
}
