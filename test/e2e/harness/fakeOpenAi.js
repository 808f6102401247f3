// @ts-check
'use strict';
/**
 * A scripted OpenAI-compatible chat model on 127.0.0.1, for AI Agent tests in real n8n.
 * n8n's OpenAI Chat Model node takes a credential `{ apiKey, url: fake.baseUrl }` and sends
 * `POST /v1/chat/completions`; each request is answered by the next step of the script.
 *
 *   const fake = await FakeOpenAi.start([
 *     (request) => ({ toolCalls: [{ name: 'Nano_Banana', arguments: { prompt: 'a lamp' } }] }),
 *     (request) => ({ content: `Here it is: ${FakeOpenAi.toolResults(request)[0]}` }),
 *   ]);
 *   fake.requests;   // every request body, in order (messages, tools, stream, ...)
 *   await fake.close();
 *
 * Answers stream as server-sent events when the request asks for `stream: true` (what
 * n8n's model client does: chunks with `delta.tool_calls` or `delta.content`, a chunk with
 * `finish_reason`, a usage chunk, then `[DONE]`), else as one `chat.completion` JSON.
 * A request beyond the script gets HTTP 500 with a message saying so, and is recorded.
 */
const http = require('node:http');

/**
 * @typedef {object} ChatRequest the JSON body n8n's model client sends
 * @property {string} [model]
 * @property {boolean} [stream]
 * @property {Array<{ role: string, content?: unknown, tool_call_id?: string, tool_calls?: unknown[] }>} messages
 * @property {Array<{ type: string, function: { name: string, description?: string, parameters?: any } }>} [tools]
 */
/** @typedef {{ name: string, arguments: Record<string, unknown> | string }} ToolCall */
/** @typedef {{ content?: string, toolCalls?: ToolCall[] }} ScriptedAnswer */
/** @typedef {(request: ChatRequest, index: number) => ScriptedAnswer} ScriptStep */

/** @param {http.IncomingMessage} request @returns {Promise<string>} */
function readBody(request) {
	return new Promise((resolve, reject) => {
		/** @type {Buffer[]} */
		const chunks = [];
		request.on('data', (chunk) => chunks.push(chunk));
		request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		request.on('error', reject);
	});
}

class FakeOpenAi {
	/**
	 * Starts the server on a free port of 127.0.0.1.
	 * @param {ScriptStep[]} script one step per expected request, in order
	 * @returns {Promise<FakeOpenAi>}
	 */
	static async start(script) {
		const fake = new FakeOpenAi(script);
		await new Promise((resolve, reject) => {
			fake.server.once('error', reject);
			fake.server.listen(0, '127.0.0.1', () => resolve(undefined));
		});
		const { port } = /** @type {import('node:net').AddressInfo} */ (fake.server.address());
		fake.url = `http://127.0.0.1:${port}`;
		fake.baseUrl = `${fake.url}/v1`;
		return fake;
	}

	/**
	 * The contents of the `role: "tool"` messages of a request: what the agent's tools
	 * returned, as the model receives it.
	 * @param {ChatRequest} request
	 * @returns {string[]}
	 */
	static toolResults(request) {
		return request.messages
			.filter((message) => message.role === 'tool')
			.map((message) => (typeof message.content === 'string' ? message.content : JSON.stringify(message.content)));
	}

	/** @param {ScriptStep[]} script @private */
	constructor(script) {
		this.script = script;
		/** @type {ChatRequest[]} bodies of the chat requests, in arrival order */
		this.requests = [];
		/** @type {string[]} `METHOD path` of every request, chat or not */
		this.log = [];
		/** @type {string[]} why a request could not be answered from the script */
		this.errors = [];
		this.url = '';
		this.baseUrl = '';
		/** @type {Set<import('node:net').Socket>} */
		this.sockets = new Set();
		this.server = http.createServer((request, response) => {
			this.handle(request, response).catch((error) => {
				this.errors.push(String(error?.stack || error));
				if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
				response.end(JSON.stringify({ error: { message: String(error?.message || error), type: 'fake_openai_error' } }));
			});
		});
		this.server.on('connection', (socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
	}

	/** @param {http.IncomingMessage} request @param {http.ServerResponse} response @private */
	async handle(request, response) {
		const path = (request.url || '').split('?')[0];
		this.log.push(`${request.method} ${path}`);
		const text = await readBody(request);
		if (request.method === 'GET' && path === '/v1/models') {
			response.writeHead(200, { 'content-type': 'application/json' });
			response.end(JSON.stringify({ object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model', owned_by: 'fake' }] }));
			return;
		}
		if (request.method !== 'POST' || path !== '/v1/chat/completions') {
			response.writeHead(404, { 'content-type': 'application/json' });
			response.end(JSON.stringify({ error: { message: `no route ${request.method} ${path}` } }));
			return;
		}
		/** @type {ChatRequest} */
		const body = JSON.parse(text);
		const index = this.requests.length;
		this.requests.push(body);
		const step = this.script[index];
		if (!step) throw new Error(`the fake model got chat request #${index + 1}, but its script has only ${this.script.length}`);
		this.answer(response, body, step(body, index), index);
	}

	/**
	 * @param {http.ServerResponse} response @param {ChatRequest} request
	 * @param {ScriptedAnswer} answer @param {number} index @private
	 */
	answer(response, request, answer, index) {
		const id = `chatcmpl-fake-${index + 1}`;
		const created = Math.floor(Date.now() / 1000);
		const model = request.model || 'gpt-4o-mini';
		const toolCalls = (answer.toolCalls ?? []).map((call, callIndex) => ({
			index: callIndex,
			id: `call_fake_${index + 1}_${callIndex + 1}`,
			type: 'function',
			function: {
				name: call.name,
				arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
			},
		}));
		const finishReason = toolCalls.length > 0 ? 'tool_calls' : 'stop';
		const usage = { prompt_tokens: 50, completion_tokens: 20, total_tokens: 70 };
		if (!request.stream) {
			const message = {
				role: 'assistant',
				content: answer.content ?? null,
				...(toolCalls.length > 0 ? { tool_calls: toolCalls.map(({ index: _index, ...call }) => call) } : {}),
			};
			response.writeHead(200, { 'content-type': 'application/json' });
			response.end(
				JSON.stringify({ id, object: 'chat.completion', created, model, choices: [{ index: 0, message, finish_reason: finishReason }], usage }),
			);
			return;
		}
		response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
		const send = (/** @type {unknown} */ chunk) => response.write(`data: ${JSON.stringify(chunk)}\n\n`);
		const chunk = (/** @type {unknown[]} */ choices, /** @type {object} */ extra = {}) => ({
			id,
			object: 'chat.completion.chunk',
			created,
			model,
			choices,
			...extra,
		});
		const delta = toolCalls.length > 0 ? { role: 'assistant', content: null, tool_calls: toolCalls } : { role: 'assistant', content: answer.content ?? '' };
		send(chunk([{ index: 0, delta, finish_reason: null }]));
		send(chunk([{ index: 0, delta: {}, finish_reason: finishReason }]));
		send(chunk([], { usage }));
		response.end('data: [DONE]\n\n');
	}

	/** Stops the server and closes every connection. */
	async close() {
		for (const socket of this.sockets) socket.destroy();
		await new Promise((resolve) => this.server.close(() => resolve(undefined)));
	}
}

module.exports = { FakeOpenAi };
