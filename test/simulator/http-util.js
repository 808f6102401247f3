'use strict';
const http = require('http');

/** An http.Server on 127.0.0.1 that remembers its sockets so close() never hangs. */
function createTrackedServer(handler) {
	const server = http.createServer(handler);
	const sockets = new Set();
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	return {
		server,
		listen() {
			return new Promise((resolve, reject) => {
				server.once('error', reject);
				server.listen(0, '127.0.0.1', () => resolve(server.address().port));
			});
		},
		close() {
			return new Promise((resolve) => {
				server.close(() => resolve());
				if (server.closeAllConnections) server.closeAllConnections();
				for (const socket of sockets) socket.destroy();
			});
		},
	};
}

/**
 * Resolves with {text, bytes, tooLarge}, or null when the client went away first. Past `maxBytes`
 * (null: no limit) the rest is read and thrown away, so the client still gets the answer, and
 * `text` is null.
 */
function readBody(req, maxBytes = null) {
	return new Promise((resolve) => {
		const chunks = [];
		let bytes = 0;
		let tooLarge = false;
		req.on('data', (c) => {
			bytes += c.length;
			if (tooLarge) return;
			if (maxBytes != null && bytes > maxBytes) {
				tooLarge = true;
				chunks.length = 0;
				return;
			}
			chunks.push(c);
		});
		req.on('end', () => resolve({ text: tooLarge ? null : Buffer.concat(chunks).toString('utf8'), bytes, tooLarge }));
		req.on('error', () => resolve(null));
		req.on('close', () => {
			if (!req.complete) resolve(null);
		});
	});
}

function parseBody(raw) {
	if (!raw) return undefined;
	try {
		return JSON.parse(raw);
	} catch {
		return raw;
	}
}

module.exports = { createTrackedServer, readBody, parseBody };
