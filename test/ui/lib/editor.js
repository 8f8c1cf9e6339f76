'use strict';
/**
 * What a user does in n8n 2.41's editor, as Playwright steps: sign in, add nodes from the node panel, fill
 * parameters, execute a step, read the output panel. Every step waits for what the user would wait for (an element,
 * a text); none sleeps a fixed time.
 */
const byTestId = (page, id) => page.locator(`[data-test-id='${id}']`);

async function signIn(page, baseUrl, { email, password }) {
	await page.goto(`${baseUrl}/signin`, { waitUntil: 'domcontentloaded' });
	await page.locator('input[name="emailOrLdapLoginId"], input[type="email"]').first().fill(email);
	await page.locator('input[name="password"], input[type="password"]').first().fill(password);
	await byTestId(page, 'form-submit-button').click();
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 90000 });
}

/** Close what n8n 2.41 may show on a first visit (modals, toasts, banners) so it hides nothing we check. */
async function dismissPopups(page) {
	for (let round = 0; round < 3; round++) {
		const closed = await page.evaluate(() => {
			let n = 0;
			for (const button of document.querySelectorAll(
				'.el-dialog__headerbtn, .el-message-box__headerbtn, [data-test-id="close-modal"], .el-notification__closeBtn, [data-test-id="banner-close"]',
			)) {
				if (button.offsetParent !== null) {
					button.click();
					n++;
				}
			}
			return n;
		});
		if (!closed) break;
	}
}

async function openWorkflow(page, baseUrl, id, nodeCount) {
	await page.goto(`${baseUrl}/workflow/${id}`, { waitUntil: 'domcontentloaded' });
	await page.waitForFunction(
		(n) => document.querySelectorAll('[data-test-id="canvas-node"]').length >= n,
		nodeCount,
		{
			timeout: 90000,
		},
	);
	await dismissPopups(page);
}

const canvasNode = (page, name) =>
	page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`);

async function openNode(page, name) {
	await canvasNode(page, name).dblclick();
	await byTestId(page, 'ndv').waitFor({ state: 'visible' });
}

async function closeNdv(page) {
	await byTestId(page, 'ndv-close-button').click();
	await byTestId(page, 'ndv').waitFor({ state: 'hidden' });
}

/** Node panel: search, then click the entry whose name is `displayName`; the new node opens in its panel. */
async function addNodeAfter(page, previousNode, { search, displayName }) {
	await canvasNode(page, previousNode)
		.locator('[data-test-id="canvas-handle-plus"]')
		.first()
		.click();
	await byTestId(page, 'node-creator-search-bar').fill(search);
	const names = byTestId(page, 'node-creator-item-name');
	await names.filter({ hasText: displayName }).first().waitFor();
	const listed = await names.allInnerTexts();
	await names.filter({ hasText: displayName }).first().click();
	// A community node opens its details page first.
	await page.getByRole('button', { name: 'Add to workflow' }).click();
	await byTestId(page, 'ndv').waitFor({ state: 'visible' });
	return listed;
}

/** Resource locator in list mode: open, search, pick the entry named `pick`; returns the names the search listed. */
async function pickFromList(page, parameterName, { search, pick }) {
	await byTestId(page, `resource-locator-${parameterName}`)
		.locator('[data-test-id="rlc-input"]')
		.click();
	const searchBox = page
		.locator('[data-test-id="rlc-search"] input, input[data-test-id="rlc-search"]')
		.first();
	await searchBox.fill(search);
	const items = byTestId(page, 'rlc-item');
	await items.filter({ hasText: pick }).first().waitFor();
	const listed = await items.allInnerTexts();
	await items.filter({ hasText: pick }).first().click();
	return listed.map((text) => text.trim());
}

/** Resource-mapper field labels, once `expected` fields are on screen. */
async function mapperFields(page, expected) {
	const container = byTestId(page, 'mapping-fields-container');
	await page.waitForFunction(
		(n) =>
			document.querySelectorAll(
				'[data-test-id="mapping-fields-container"] [data-test-id^="remove-field-button-"]',
			).length === n,
		expected,
		{ timeout: 60000 },
	);
	return await container
		.locator('[data-test-id^="remove-field-button-"]')
		.evaluateAll((buttons) =>
			buttons.map((b) => b.getAttribute('data-test-id').replace('remove-field-button-', '')),
		);
}

/** Texts cut off by CSS (ellipsis or hidden overflow) inside `root`, e.g. parameter labels or canvas output labels. */
async function truncatedTexts(root) {
	return await root.evaluate((el) =>
		[...el.querySelectorAll('*')]
			.filter((node) => {
				if (!node.getClientRects().length || !node.textContent.trim()) return false;
				if ([...node.children].some((child) => child.textContent.trim())) return false;
				const style = getComputedStyle(node);
				const clips =
					style.textOverflow === 'ellipsis' ||
					style.overflow === 'hidden' ||
					style.webkitLineClamp !== 'none';
				const overflows =
					node.scrollWidth > node.clientWidth + 1 || node.scrollHeight > node.clientHeight + 1;
				return (clips && overflows) || node.textContent.trim().endsWith('…');
			})
			.map((node) => node.textContent.trim()),
	);
}

/**
 * Switch a parameter to Expression (the Fixed/Expression toggle shown on hover) and enter `{{ expression }}`.
 * `optionsId` is the parameter's path as n8n names its options container: `title`, `value["first_name"]`.
 */
async function setExpression(page, name, optionsId, expression) {
	const input = parameter(page, name);
	await input.hover();
	await byTestId(page, `${optionsId}-parameter-input-options-container`)
		.locator('[data-test-id="radio-button-expression"]')
		.click();
	const editor = input.locator('.cm-content').first();
	await editor.waitFor();
	const wanted = `{{ ${expression} }}`;
	const normalized = async () => (await editor.textContent()).replace(/\s+/g, '');
	for (let attempt = 1; ; attempt++) {
		await editor.click();
		await editor.press('Control+A');
		await editor.press('Backspace');
		// One input event: typed key by key, the editor sometimes closes the braces itself and sometimes not.
		await page.keyboard.insertText(wanted);
		const typed = await normalized();
		if (typed === wanted.replace(/\s+/g, '')) return;
		if (attempt === 3) throw new Error(`expression editor holds "${typed}", expected "${wanted}"`);
	}
}

/** Drag an input field from the input panel's schema view onto a parameter: n8n writes {{ $json.<field> }}. */
async function dragInputField(page, field, parameterName) {
	const source = byTestId(page, 'run-data-schema-item').filter({ hasText: field }).first();
	const target = parameter(page, parameterName);
	const from = await source.boundingBox();
	const to = await target.boundingBox();
	await page.mouse.move(from.x + 20, from.y + from.height / 2);
	await page.mouse.down();
	// Several small moves: n8n starts a drag only after the pointer has travelled a little.
	await page.mouse.move(from.x + 40, from.y + from.height / 2, { steps: 5 });
	await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 20 });
	await page.mouse.up();
	await target.getByText(`{{ $json.${field} }}`).first().waitFor();
}

async function executeStep(page) {
	await byTestId(page, 'ndv').locator('[data-test-id="node-execute-button"]').first().click();
}

const parameter = (page, name) =>
	byTestId(page, 'ndv').locator(`[data-test-id="parameter-input-${name}"]`);

module.exports = {
	byTestId,
	signIn,
	dismissPopups,
	openWorkflow,
	canvasNode,
	openNode,
	closeNdv,
	addNodeAfter,
	pickFromList,
	mapperFields,
	truncatedTexts,
	setExpression,
	dragInputField,
	executeStep,
	parameter,
};
