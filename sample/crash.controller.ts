import { Controller, Get } from '@nestjs/common';

@Controller('crash')
export class CrashController {
  @Get()
  crash(): never {
    throw new Error('connect ECONNREFUSED db.internal:5432 (password=s3cr3t-demo)');
  }
}
