import type { AddressInfo } from 'node:net';
import { createDemoApp } from './app.module.js';

const adapter = process.env.ADAPTER === 'fastify' ? 'fastify' : 'express';
const app = await createDemoApp(adapter);
app.enableShutdownHooks();
await app.listen(process.env.PORT ?? 3000);

const { port } = app.getHttpServer().address() as AddressInfo;
const base = `http://localhost:${port}`;
console.log(`
Demo app (${adapter}) listening on ${base}; its API and errors at ${base}/docs. Try:

  curl -i ${base}/users/1
  curl -i ${base}/users/42
  curl -i -H 'Accept-Language: en' ${base}/users/42
  curl -i -X POST ${base}/orders -H 'Content-Type: application/json' -d '{"customer":"Al","email":"nope","items":[{"sku":"","qty":0}]}'
  curl -i -X POST ${base}/orders -H 'Content-Type: application/json' -d '{"customer":'
  curl -i ${base}/nowhere
  curl -i ${base}/crash
  curl -i ${base}/quotes/ACME
  curl -i ${base}/quotes-down
  curl -i ${base}/quotes-slow
  curl -i ${base}/quotes-patient
  curl -i -H 'grpc-timeout: 500m' ${base}/quotes-patient
`);
