import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { createErrorsDocument } from '../src/openapi/index.js';

/** Swagger UI at /docs and the document at /docs-json, with every route's errors. */
export function setupDocs(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('nestjs-faultline demo')
    .setDescription('Every failure answers the same envelope; each route lists the errors it can answer.')
    .setVersion('1.0')
    .build();
  const document = createErrorsDocument(app, config, { commonErrors: ['INTERNAL_ERROR'] });
  SwaggerModule.setup('docs', app, document);
}
