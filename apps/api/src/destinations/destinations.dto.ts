import { createDestinationSchema, updateDestinationSchema } from '@fanout/contracts';
import { zodDto } from '../common/zod-dto';

export class CreateDestinationDto extends zodDto(createDestinationSchema) {}
export class UpdateDestinationDto extends zodDto(updateDestinationSchema) {}
