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

/** Resolves with the raw body as a string, or null when the client went away first. */
function readBody(req) {
	return new Promise((resolve) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
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
