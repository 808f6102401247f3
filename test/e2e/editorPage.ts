/**
 * What a user does in n8n's editor (2.41), as steps for the browser test: sign-in, the
 * credential dialog, the canvas. The node panel (NDV) is ./nodePanel.ts. Selectors are
 * n8n's own `data-test-id`s; texts are n8n's English UI strings.
 */
import type { Page, Response } from 'playwright-core';

export type CredentialTestAnswer = { status: 'OK' | 'Error'; message: string };
export type Box = { x: number; y: number; width: number; height: number };

export const byTestId = (id: string) => `[data-test-id="${id}"]`;

export class EditorPage {
	constructor(
		readonly page: Page,
		readonly baseUrl: string,
	) {}

	/** Signs in through n8n's sign-in form and waits for the home page. */
	async signIn(email: string, password: string) {
		await this.page.goto(`${this.baseUrl}/signin`);
		await this.page.locator(`${byTestId('emailOrLdapLoginId')} input`).fill(email);
		await this.page.locator(`${byTestId('password')} input`).fill(password);
		await this.page.locator(byTestId('form-submit-button')).click();
		await this.page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 60_000 });
		await this.page.locator(byTestId('project-home-menu-item')).waitFor({ timeout: 60_000 });
	}

	/** The editor's credential test answer (POST /rest/credentials/test) that `action` causes. */
	private async credentialTest(action: () => Promise<void>): Promise<CredentialTestAnswer> {
		const answer: Promise<Response> = this.page.waitForResponse(
			(response) => response.url().endsWith('/rest/credentials/test') && response.request().method() === 'POST',
			{ timeout: 60_000 },
		);
		await action();
		const body = (await (await answer).json()) as { data: CredentialTestAnswer };
		return body.data;
	}

	/**
	 * Credentials tab → Create credential → Runbase API → fills the form → Save. n8n tests a
	 * credential when it is saved; returns the test's answer once the dialog shows its verdict.
	 */
	async createRunbaseCredential(fields: { apiKey: string; baseUrl: string }): Promise<CredentialTestAnswer> {
		await this.page.goto(`${this.baseUrl}/home/credentials`);
		await this.page.locator(byTestId('add-resource-credential')).click();
		await this.page.locator(`${byTestId('new-credential-type-select')} input`).fill('Runbase');
		await this.page.locator(byTestId('new-credential-type-select-option'), { hasText: 'Runbase API' }).click();
		await this.page.locator(byTestId('new-credential-type-button')).click();
		const dialog = this.credentialDialog();
		await dialog.locator(`${byTestId('parameter-input-apiKey')} input`).fill(fields.apiKey);
		await dialog.locator(`${byTestId('parameter-input-baseUrl')} input`).fill(fields.baseUrl);
		const answer = await this.credentialTest(() => dialog.locator(byTestId('credential-save-button')).click());
		await this.credentialVerdict().waitFor({ timeout: 30_000 });
		return answer;
	}

	/** Presses the dialog's test button (n8n labels it "Retry" once a test has run). */
	async retestCredential(): Promise<CredentialTestAnswer> {
		const dialog = this.credentialDialog();
		const answer = await this.credentialTest(() => dialog.getByRole('button', { name: 'Retry' }).click());
		await this.credentialVerdict().waitFor({ timeout: 30_000 });
		return answer;
	}

	credentialDialog() {
		return this.page.locator(byTestId('editCredential-modal'));
	}

	/** The success or failure banner of the credential dialog. */
	credentialVerdict() {
		return this.credentialDialog()
			.getByText(/Connection tested successfully|Couldn.t connect with these settings/)
			.filter({ visible: true });
	}

	/** Opens the failure banner's details, where n8n shows the test's message. */
	async showCredentialDetails() {
		const more = this.credentialDialog().getByText('More details');
		if (await more.isVisible()) await more.click();
	}

	async closeCredentialDialog() {
		await this.credentialDialog().locator('.el-dialog__headerbtn').click();
		await this.credentialDialog().waitFor({ state: 'hidden' });
	}

	async openWorkflow(id: string) {
		await this.page.goto(`${this.baseUrl}/workflow/${id}`);
		await this.page.locator(byTestId('canvas-node')).first().waitFor({ timeout: 60_000 });
		await this.page.mouse.move(5, 5);
	}

	canvasNode(name: string) {
		return this.page.locator(byTestId('canvas-node'), { hasText: name });
	}

	/** Opens a node's panel (NDV) by double-clicking it on the canvas. */
	async openNode(name: string) {
		await this.canvasNode(name).dblclick();
		await this.ndv().waitFor();
		await this.page.locator(byTestId('node-parameters')).waitFor();
	}

	ndv() {
		return this.page.locator(byTestId('ndv'));
	}

	async closeNode() {
		await this.page.locator(byTestId('ndv-close-button')).click();
		await this.ndv().waitFor({ state: 'hidden' });
	}

	/** Clicks "Execute workflow" and waits until `nodeCount` nodes show success. */
	async runWorkflow(nodeCount: number) {
		await this.page.locator(byTestId('execute-workflow-button')).click();
		await this.page.waitForFunction(
			(count) => document.querySelectorAll('[data-test-id="canvas-node-status-success"]').length >= count,
			nodeCount,
			{ timeout: 120_000 },
		);
		await this.page.mouse.move(5, 5);
		await this.dismissToasts();
	}

	/** Closes n8n's notifications ("Workflow executed successfully", ...). */
	async dismissToasts() {
		const close = this.page.locator('.el-notification__closeBtn:visible');
		for (let attempt = 0; attempt < 10 && (await close.count()) > 0; attempt++) {
			// A toast may close on its own between the count and the click; the click would then
			// wait for another toast that never comes, so it gives up soon and the count decides.
			await close.first().click({ timeout: 2000 }).catch(() => undefined);
			await this.page.waitForTimeout(300);
		}
	}

	/**
	 * The item counts the canvas shows once there are `count`, left to right: on each connection
	 * and on the last node's output, e.g. ['1 item', '3 items', '3 items'].
	 */
	async itemCounts(count: number): Promise<string[]> {
		const labels = this.page.locator(byTestId('canvas')).getByText(/^\d+ items?$/);
		await labels.nth(count - 1).waitFor({ timeout: 30_000 });
		return await labels.allInnerTexts();
	}

	/** The rectangle around every canvas node, its handles and item counts (for a cropped picture). */
	async canvasNodesBox(): Promise<Box> {
		return await this.page.evaluate(() => {
			const selector = '[data-test-id="canvas-node"], [data-test-id="canvas-handle-plus"], .vue-flow__edge-labels *';
			const rects = Array.from(document.querySelectorAll(selector), (element) => element.getBoundingClientRect()).filter(
				(rect) => rect.width > 0 && rect.height > 0,
			);
			const left = Math.min(...rects.map((rect) => rect.left));
			const top = Math.min(...rects.map((rect) => rect.top));
			return {
				x: left,
				y: top,
				width: Math.max(...rects.map((rect) => rect.right)) - left,
				height: Math.max(...rects.map((rect) => rect.bottom)) - top,
			};
		});
	}

	async zoomIn(times: number) {
		for (let click = 0; click < times; click++) {
			await this.page.locator(byTestId('zoom-in-button')).click();
			await this.page.waitForTimeout(300);
		}
		await this.page.waitForTimeout(500);
	}
}
