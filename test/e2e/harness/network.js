// @ts-check
'use strict';
/** Free ports and status probes, on 127.0.0.1 only. */
const http = require('node:http');
const net = require('node:net');

/**
 * Free TCP ports on 127.0.0.1, all distinct (held open together, then released).
 * @param {number} count
 * @returns {Promise<number[]>}
 */
async function freePorts(count) {
	/** @type {net.Server[]} */
	const servers = [];
	try {
		for (let index = 0; index < count; index++) {
			const server = net.createServer();
			await new Promise((resolve, reject) => {
				server.once('error', reject);
				server.listen(0, '127.0.0.1', () => resolve(undefined));
			});
			servers.push(server);
		}
		return servers.map((server) => /** @type {net.AddressInfo} */ (server.address()).port);
	} finally {
		await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
	}
}

/**
 * The HTTP status `url` answers with, 0 when nothing answers.
 * @param {string} url
 * @param {{ method?: string, headers?: Record<string, string>, timeoutMs?: number }} [options]
 * @returns {Promise<number>}
 */
function httpStatus(url, { method = 'GET', headers = {}, timeoutMs = 2000 } = {}) {
	return new Promise((resolve) => {
		const request = http.request(url, { method, headers, timeout: timeoutMs }, (response) => {
			response.resume();
			resolve(response.statusCode ?? 0);
		});
		request.on('timeout', () => request.destroy());
		request.on('error', () => resolve(0));
		request.end();
	});
}

module.exports = { freePorts, httpStatus };
