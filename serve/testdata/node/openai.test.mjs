// Drives a running t5go server with the official openai npm client.
// serve/node_test.go starts the server and passes, in the environment:
//   T5GO_BASE_URL  http://127.0.0.1:PORT/v1
//   T5GO_EXPECT    JSON of the answers the Go library gives for the same requests
import test from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';

const baseURL = process.env.T5GO_BASE_URL;
const want = JSON.parse(process.env.T5GO_EXPECT ?? '{}');
if (!baseURL) throw new Error('T5GO_BASE_URL is not set (run this through go test ./serve)');

const client = new OpenAI({ baseURL, apiKey: 'not-needed', maxRetries: 0, timeout: 30_000 });

const request = { model: 'tiny', prompt: want.prompt, max_tokens: want.max_tokens, temperature: want.temperature, seed: want.seed };

test('models.list names the served model', async () => {
  const page = await client.models.list();
  assert.deepEqual(page.data.map((m) => m.id), ['tiny']);
});

test('completions.create returns the library text', async () => {
  const c = await client.completions.create(request);
  assert.equal(c.object, 'text_completion');
  assert.match(c.id, /^cmpl-/);
  assert.equal(c.choices.length, 1);
  assert.equal(c.choices[0].text, want.text);
  assert.equal(c.choices[0].finish_reason, want.finish_reason);
  assert.deepEqual(c.usage, want.usage);
});

test('streaming yields the same text, token by token, then usage', async () => {
  const stream = await client.completions.create({ ...request, stream: true, stream_options: { include_usage: true } });
  let text = '';
  let chunks = 0;
  let finish = null;
  let usage = null;
  const ids = new Set();
  for await (const chunk of stream) {
    ids.add(chunk.id);
    if (chunk.usage) usage = chunk.usage;
    for (const ch of chunk.choices) {
      if (ch.text) chunks++;
      text += ch.text;
      if (ch.finish_reason) finish = ch.finish_reason;
    }
  }
  assert.equal(text, want.text);
  assert.equal(finish, want.finish_reason);
  assert.deepEqual(usage, want.usage);
  assert.equal(ids.size, 1);
  assert.ok(chunks > 1 && chunks <= want.usage.completion_tokens, `${chunks} text chunks for ${want.usage.completion_tokens} tokens`);
});

test('a stream can be aborted by the client', async () => {
  const stream = await client.completions.create({ ...request, max_tokens: 200, stream: true });
  for await (const chunk of stream) {
    assert.ok(chunk.choices.length === 1);
    stream.controller.abort();
  }
});

test('an array of prompts answers one choice per prompt', async () => {
  const c = await client.completions.create({ ...request, prompt: [want.prompt, want.prompt], temperature: 0 });
  assert.deepEqual(c.choices.map((ch) => ch.index), [0, 1]);
  assert.equal(c.choices[0].text, c.choices[1].text);
});

test('images ride along as data URLs (a t5go extension)', async () => {
  const c = await client.completions.create({ model: 'tiny', prompt: want.image_prompt, images: [want.image_url], max_tokens: want.max_tokens, temperature: 0 });
  assert.equal(c.choices[0].text, want.image_text);
});

test('embeddings.create decodes the base64 it asks for by default', async () => {
  const e = await client.embeddings.create({ model: 'tiny', input: [want.embed_input, want.embed_input] });
  assert.equal(e.object, 'list');
  assert.equal(e.data.length, 2);
  // the JSON expectation holds float32 values written as shortest decimals
  const f32 = want.embedding.map(Math.fround);
  assert.deepEqual(Array.from(e.data[0].embedding), f32);
  assert.deepEqual(Array.from(e.data[1].embedding), f32);
  assert.equal(e.usage.prompt_tokens, 2 * want.embed_tokens);
});

test('embeddings.create with encoding_format float', async () => {
  const e = await client.embeddings.create({ model: 'tiny', input: want.embed_input, encoding_format: 'float' });
  assert.deepEqual(e.data[0].embedding, want.embedding);
});

test('bad requests raise BadRequestError with the server message', async () => {
  await assert.rejects(client.completions.create({ ...request, max_tokens: 1000000 }), (err) => {
    assert.ok(err instanceof OpenAI.BadRequestError, String(err));
    assert.equal(err.status, 400);
    assert.match(err.message, /max_tokens 1000000: must be between 1 and/);
    assert.equal(err.param, 'max_tokens');
    return true;
  });
  await assert.rejects(client.completions.create({ ...request, images: ['data:image/png;base64,@@@'] }), (err) => {
    assert.equal(err.status, 400);
    assert.match(err.message, /images\[0\]: bad base64/);
    return true;
  });
});
