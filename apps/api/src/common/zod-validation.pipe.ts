import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { toFieldErrors } from '@fanout/contracts';
import { AppError } from './app-error';
import { isZodDto } from './zod-dto';

/**
 * The global pipe: every `@Body()` (and any `@Query()`/`@Param()` typed with a zodDto) is
 * parsed by its contract schema, and the parsed value (trimmed, lower-cased, defaulted)
 * replaces the raw one. A body without a schema is a programming error and fails closed,
 * so no route can take unvalidated input by forgetting a DTO.
 */
@Injectable()
export class ZodValidationPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (!isZodDto(metadata.metatype)) {
      if (metadata.type === 'body') {
        throw new AppError('INTERNAL', { internal: `@Body() without a zodDto type (${metadata.metatype?.name ?? 'no type'}); every body needs a schema` });
      }
      return value;
    }
    const result = metadata.metatype.schema.safeParse(value);
    if (result.success) return result.data;
    throw new AppError('VALIDATION_FAILED', { errors: toFieldErrors(result.error) });
  }
}
