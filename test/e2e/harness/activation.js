// @ts-check
'use strict';

/**
 * Whether the main has activated a published workflow. n8n logs "Activated workflow" when it
 * activates at startup itself (n8n 1.x, 2.x up to 2.39, N8N_USE_WORKFLOW_PUBLICATION_SERVICE=false).
 * 2.41's publication service does it after startup and logs nothing at info level: there
 * n8n's own records say it, the workflow's webhooks stored in webhook_entity (where the main
 * looks them up) and its latest publication outbox record completed.
 * @param {string[]} mainLogs the main's output lines so far
 * @param {(sql: string) => Promise<string[][]>} query a query on n8n's database
 * @param {string} workflowId
 */
async function workflowIsActive(mainLogs, query, workflowId) {
	const logged = mainLogs.some((line) => line.includes('Activated workflow') && line.includes(workflowId));
	if (logged) return true;
	const id = workflowId.replace(/'/g, "''");
	const [[webhooks]] = await query(`select count(*) from webhook_entity where "workflowId" = '${id}'`);
	if (Number(webhooks) === 0) return false;
	const outbox = await query(
		`select status, coalesce("errorMessage", '') from workflow_publication_outbox where "workflowId" = '${id}' order by id desc limit 1`,
	).catch(() => /** @type {string[][]} */ ([])); // no such table: no publication service
	if (outbox.length === 0) return true;
	const [status, errorMessage] = outbox[0];
	if (status === 'failed' || status === 'partial_success') {
		throw new Error(`n8n could not activate workflow ${workflowId} (publication ${status}): ${errorMessage}`);
	}
	return status === 'completed';
}

module.exports = { workflowIsActive };
