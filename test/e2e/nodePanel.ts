/**
 * The node panel (NDV) of n8n's editor (2.41): its parameters, their lists and collections,
 * and the output panel's binary view. Selectors are n8n's own `data-test-id`s.
 */
import type { Page } from 'playwright-core';

import { byTestId } from './editorPage';

export class NodePanel {
	constructor(readonly page: Page) {}

	/** The parameters the open panel's Parameters tab shows, in order (n8n's `parameter-input-<name>` ids). */
	async parameterNames(): Promise<string[]> {
		const ids = await this.page
			.locator(`${byTestId('node-parameters')} [data-test-id^="parameter-input-"]:visible`)
			.evaluateAll((elements) => elements.map((element) => element.getAttribute('data-test-id') ?? ''));
		return ids.map((id) => id.replace(/^parameter-input-/, '')).filter((name) => name !== 'field' && name !== 'hint'); // inner parts, not parameters
	}

	/** The labels of the open panel's parameters, as shown, without those inside a fixed collection's entries. */
	async parameterLabels(): Promise<string[]> {
		const labels = await this.page
			.locator(`${byTestId('node-parameters')} ${byTestId('input-label')}:visible`)
			.evaluateAll((elements) =>
				elements
					.filter((element) => !element.closest('[data-test-id^="fixed-collection-"]'))
					.map((element) => (element as HTMLElement).innerText),
			);
		return labels.map((label) => label.split('\n')[0].trim());
	}

	parameter(name: string) {
		return this.page.locator(byTestId(`parameter-input-${name}`));
	}

	private visibleOptions() {
		return this.page.locator(`${byTestId('parameter-input-item')}:visible`);
	}

	/** Opens an options parameter's list and returns the option names (headlines), then closes it. */
	async optionNames(parameter: string): Promise<string[]> {
		await this.parameter(parameter).click();
		await this.visibleOptions().first().waitFor();
		const names = await this.visibleOptions().locator('.option-headline').allInnerTexts();
		await this.page.keyboard.press('Escape');
		await this.visibleOptions().first().waitFor({ state: 'hidden' });
		return names;
	}

	/** Chooses an option of an options parameter by its name. */
	async choose(parameter: string, optionName: string) {
		await this.parameter(parameter).click();
		const option = this.visibleOptions().filter({
			has: this.page.locator('.option-headline', { hasText: new RegExp(`^${escapeRegExp(optionName)}$`) }),
		});
		await option.click();
		await option.waitFor({ state: 'hidden' });
	}

	/** The parameter's "Reset Value" action (its ⋮ menu): back to its default, as a fixed value. */
	async resetValue(parameter: string) {
		await this.parameter(parameter).hover();
		await this.page.locator(`${byTestId(`${parameter}-parameter-input-options-container`)} ${byTestId('action-toggle')}`).click();
		await this.page.locator(`${byTestId('action-resetValue')}:visible`).click();
		await this.parameter(parameter).locator(byTestId('inline-expression-editor-input')).waitFor({ state: 'detached' });
		// n8n may open the fixed value's list: close it.
		await this.page.waitForTimeout(500);
		if ((await this.visibleOptions().count()) > 0) {
			await this.page.keyboard.press('Escape');
			await this.visibleOptions().first().waitFor({ state: 'hidden' });
		}
	}

	/** The value an options or string parameter shows (options: the chosen option's name). */
	async valueOf(parameter: string): Promise<string> {
		return await this.parameter(parameter).locator('input, textarea').first().inputValue();
	}

	/** Opens the Options collection's "Add Option" list; returns its entries (the list stays open). */
	async openAddOption(): Promise<string[]> {
		await this.page.locator(byTestId('collection-parameter-add')).click();
		const options = this.page.locator(`${byTestId('collection-parameter-option')}:visible`);
		await options.first().waitFor();
		return await options.allInnerTexts();
	}

	async addOption(name: string) {
		await this.page.locator(`${byTestId('collection-parameter-option')}:visible`, { hasText: name }).click();
	}

	/** Adds an entry to a fixed collection such as Reference Images. */
	async addCollectionEntry(name: string) {
		await this.page.locator(`${byTestId(`fixed-collection-${name}`)} ${byTestId('fixed-collection-add')}`).click();
	}

	/** Deletes the entry at `index` of a fixed collection whose entries hold `field`. */
	async deleteCollectionEntry(field: string, index: number) {
		await this.parameter(field).nth(index).hover();
		await this.page.locator(byTestId('fixed-collection-delete')).nth(index).click();
	}

	outputPanel() {
		return this.page.locator(byTestId('output-panel'));
	}

	/** Switches the output panel to its Binary view and returns the items' binary cards. */
	async showBinaryOutput() {
		const binaryTab = this.outputPanel().locator(byTestId('radio-button-binary'));
		await binaryTab.click();
		const cards = this.outputPanel().locator('[data-test-id^="ndv-binary-data_"]');
		await cards.first().waitFor();
		return cards;
	}

	/** Presses the first binary card's "View" and returns the image shown: its size once loaded. */
	async viewFirstImage(): Promise<{ src: string; width: number; height: number }> {
		await this.outputPanel().locator(byTestId('ndv-view-binary-data')).first().click();
		const image = this.outputPanel().locator('img').first();
		await image.waitFor();
		await this.page.waitForFunction(
			(element) => element instanceof HTMLImageElement && element.complete && element.naturalWidth > 0,
			await image.elementHandle(),
			{ timeout: 30_000 },
		);
		return await image.evaluate((element) => {
			const img = element as HTMLImageElement;
			return { src: img.currentSrc || img.src, width: img.naturalWidth, height: img.naturalHeight };
		});
	}
}

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
