import { describe, expect, it } from 'vitest';
import { makeChatSchemas } from '../chat/chat-schemas.ts';
import { openApiDocument } from './openapi.ts';

type TResponses = Record<string, { description: string; headers?: Record<string, unknown> }>;
const doc = openApiDocument(makeChatSchemas(2_000), 'test') as unknown as {
  paths: Record<string, { post: { responses: TResponses } }>;
};
const responses = (path: string) => doc.paths[path]?.post.responses ?? {};

describe('the OpenAPI document', () => {
  it("lists the database's 503 on feedback as on chat, not only 'no model loaded'", () => {
    expect(responses('/v1/feedback')['503']?.description).toMatch(/database is unavailable/);
    expect(responses('/v1/chat')['503']?.description).toMatch(/No model loaded.*database is unavailable/);
  });

  it('names Retry-After on every answer that asks the caller to wait and send again', () => {
    for (const [path, status] of [
      ['/v1/chat', '409'],
      ['/v1/chat', '429'],
      ['/v1/chat', '503'],
      ['/v1/feedback', '429'],
      ['/v1/feedback', '503'],
    ] as const) {
      expect(responses(path)[status]?.headers, `${path} ${status}`).toHaveProperty('Retry-After');
      expect(responses(path)[status]?.headers, `${path} ${status}`).toHaveProperty('X-Request-Id');
    }
  });
});
