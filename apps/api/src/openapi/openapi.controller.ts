import { Controller, Get } from '@nestjs/common';
import { Public } from '../auth/decorators';
import { VERSION } from '../version';
import { buildOpenApiDocument, type OpenApiDocument } from './document';

/** `GET /api/docs`: the OpenAPI 3.1 document (JSON), public like the health check. */
@Controller('docs')
export class OpenApiController {
  private readonly document = buildOpenApiDocument(VERSION);

  @Public()
  @Get()
  get(): OpenApiDocument {
    return this.document;
  }
}
