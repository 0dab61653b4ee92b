import 'reflect-metadata';
import { Controller, Get, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';

@Injectable()
class Svc { hi() { return 'hi'; } }
@Controller()
class C { constructor(private readonly s: Svc) {} @Get() get() { return this.s.hi(); } }
@Module({ controllers: [C], providers: [Svc] })
class M {}

it('boots', async () => {
  const ref = await Test.createTestingModule({ imports: [M] }).compile();
  const app = ref.createNestApplication();
  await app.init();
  await request(app.getHttpServer()).get('/').expect(200, 'hi');
  await app.close();
});
