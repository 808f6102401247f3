// @ts-check
'use strict';
/**
 * Real n8n for the end-to-end tests, the demo and the README pictures.
 *
 *   const n8n = require('./test/e2e/n8n');
 *   const instance = await n8n.createInstance({ packageTarball });   // n8n 2.x; { line: '1.x' } for 1.123.x
 *   await instance.importCredentials([{ id, name, type, data }]);
 *   await instance.importWorkflows([workflow]);
 *   const run = await instance.execute(workflow.id);
 *   // run.ok, run.failure ({ kind, message, hint }), run.result (n8n's saved execution:
 *   // status, data.resultData.runData / .error), run.items(node), run.images / run.image(node, index)
 *   await instance.publishWorkflow(id);          // before startServer
 *   const server = await instance.startServer();  // url, webhookUrl(path), waitForWebhook(path), stop()
 *   const rest = await n8n.N8nRest.start(instance); // n8n start + owner + login: n8n's REST API (harness/rest.js)
 *   await instance.dispose();                     // kills every process group, removes the user folder
 *
 * The pieces live in ./harness: node24 (finding Node 24), processes (process groups),
 * installCache (the pinned n8n in ~/.cache, with its lock), instance, server, and
 * executionResult (how a run's result and images are read: from n8n's database and its
 * binary data files, never from a stdout line).
 *
 * Two n8n release lines are pinned: '2.x' (runtime/, the default) and '1.x' (runtime-1x/).
 *
 * Environment: RUNBASE_N8N_CACHE / RUNBASE_N8N_CACHE_1X (install folders), RUNBASE_NODE24 / RUNBASE_NODE24_HEADERS.
 */
const { DEFAULT_LINE, N8N_LINES, ensureInstalled, runtimeInfo } = require('./harness/installCache');
const instances = require('./harness/instance');
const { freePorts } = require('./harness/network');
const { findNode24 } = require('./harness/node24');
const { N8nRest } = require('./harness/rest');

/** @typedef {import('./harness/instance').N8nInstance} N8nInstance */
/** @typedef {import('./harness/installCache').N8nLine} N8nLine */
/** @typedef {import('./harness/instance').InstanceOptions} InstanceOptions */
/** @typedef {import('./harness/server').N8nServer} N8nServer */
/** @typedef {import('./harness/executionResult').ExecutionRun} ExecutionRun */
/** @typedef {import('./harness/executionResult').ExecutionImage} ExecutionImage */
/** @typedef {import('./harness/executionResult').Item} Item */

/**
 * A fresh n8n instance (installs the pinned n8n first if needed).
 * @param {InstanceOptions} [options]
 * @returns {Promise<N8nInstance>}
 */
function createInstance(options) {
	return instances.N8nInstance.create(options);
}

module.exports = { ensureInstalled, createInstance, runtimeInfo, findNode24, freePorts, N8nRest, N8N_LINES, DEFAULT_LINE };
