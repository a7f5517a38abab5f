import { createStreamSchema, updateStreamSchema } from '@fanout/contracts';
import { zodDto } from '../common/zod-dto';

export class CreateStreamDto extends zodDto(createStreamSchema) {}
export class UpdateStreamDto extends zodDto(updateStreamSchema) {}
