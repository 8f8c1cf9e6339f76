'use strict';
/**
 * The first half of the user's way: in a workflow holding only a Manual Trigger with one contact, add HeyGen
 * Generate From Template from the node panel, pick the credential and a template, see its fields, switch to
 * another template with an unresolvable expression in Options, map a field by expression and execute the step.
 */
const ed = require('./editor');
const { CONTACT, TRIGGER } = require('./workflows');

const GENERATE = 'HeyGen Generate From Template';
const ALL_TYPES_FIELDS = [
	'headline',
	'script',
	'logo',
	'logo (fit)',
	'background',
	'background (fit)',
	'background (play style)',
	'music',
	'presenter',
	'narrator',
];
const SALES_FIELDS = ['first_name', 'company', 'script', 'narrator'];

async function visibleText(locator) {
	return (await locator.count()) ? await locator.first().innerText() : '';
}

async function waitForStoredValue(rest, workflowId, accept, timeoutMs = 60000) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const workflow = await rest.getWorkflow(workflowId);
		const node = workflow.nodes.find((n) => n.name === GENERATE);
		if (node && accept(node.parameters.variables?.value)) return true;
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	return false;
}

async function generateSteps({ page, env, report }) {
	const { check, shot } = report;
	await ed.openWorkflow(page, env.url, 'hgUiStart0000001', 1);

	const listed = await ed.addNodeAfter(page, TRIGGER, { search: 'HeyGen', displayName: GENERATE });
	check(
		'node panel: searching "HeyGen" lists both nodes',
		listed.includes(GENERATE) && listed.includes('HeyGen Wait For Video'),
		listed,
	);
	const ndv = ed.byTestId(page, 'ndv');
	const parameters = ed.byTestId(page, 'node-parameters');
	await ed.byTestId(page, 'node-credentials-select').waitFor();
	const credential = await ed
		.byTestId(page, 'node-credentials-select')
		.locator('input')
		.first()
		.inputValue();
	check('the HeyGen credential is picked', credential === 'HeyGen account', credential);

	// Before a template is chosen: no error, no mapper, only the template picker.
	const before = await parameters.innerText();
	const mapperShown = await ed.byTestId(page, 'resource-mapper-container').count();
	const alerts = await ndv
		.locator('.el-alert--error, [data-test-id="empty-fields-notice"], [class*="error" i]:visible')
		.count();
	check(
		'no red error, notice or empty mapper before a template is chosen',
		mapperShown === 0 &&
			alerts === 0 &&
			!/Retry|no variables|Choose a template first/i.test(before),
		{ mapperShown, alerts, before },
	);
	const subtitleBefore = await visibleText(ed.canvasNode(page, GENERATE));
	check(
		'canvas subtitle asks for a template',
		subtitleBefore.includes('Choose a template'),
		subtitleBefore,
	);
	const docs = await ndv.locator('a', { hasText: 'Docs' }).first().getAttribute('href');
	check(
		'the Docs link opens the README section (no tracking query after the #anchor)',
		docs ===
			'https://github.com/heygen-templates/n8n-nodes-heygen-templates#heygen-generate-from-template',
		docs,
	);
	await shot(page, '01-generate-new');

	// Accent-insensitive search, then the all-types template.
	const cafe = await ed.pickFromList(page, 'templateId', { search: 'cafe', pick: 'Café Promo' });
	check(
		'template search "cafe" finds "Café Promo"',
		cafe.length > 0 && cafe.every((n) => n.startsWith('Café Promo')),
		cafe,
	);
	const showcase = await ed.pickFromList(page, 'templateId', {
		search: 'showcase',
		pick: 'All Variable Types Showcase',
	});
	check(
		'template search "showcase" lists the all-types template',
		showcase.some((n) => n.startsWith('All Variable Types Showcase')),
		showcase,
	);
	let fields = await ed.mapperFields(page, ALL_TYPES_FIELDS.length);
	check(
		'one field per variable of the all-types template (plus fit and play style)',
		JSON.stringify(fields) === JSON.stringify(ALL_TYPES_FIELDS),
		fields,
	);
	const headline = await ed
		.parameter(page, 'headline')
		.locator('input, textarea')
		.first()
		.inputValue();
	check("fields start with the template's values", headline === 'Meet the new lineup', headline);
	const text = await parameters.innerText();
	for (const label of [
		'logo (image)',
		'background (video)',
		'music (audio)',
		'presenter (avatar)',
		'narrator (voice)',
		'headline (text)',
	])
		check(`field label "${label}" names the type`, text.includes(label));
	check(
		'the Variables guidance is on screen',
		text.includes('Media take a public http(s) URL or a HeyGen asset ID') &&
			text.includes('talking_photo:'),
	);
	check(
		'the mapper says "Variables to Send", not "Values to Send"',
		text.includes('Variables to Send') && !text.includes('Values to Send'),
	);
	const cut = await ed.truncatedTexts(ed.byTestId(page, 'mapping-fields-container'));
	check('no field label of the all-types template is cut off', cut.length === 0, cut);
	await shot(page, '02-generate-all-types', { docsName: 'generate-panel.png' });

	// An unresolvable expression in Options must not stop the switch to another template.
	await ed.byTestId(page, 'collection-parameter-add').click();
	await page.getByRole('option', { name: 'Title', exact: true }).click();
	await ed.setExpression(page, 'title', 'title', '$json.missing.deeper');
	await ed.pickFromList(page, 'templateId', { search: 'sales', pick: 'Sales Outreach' });
	fields = await ed.mapperFields(page, SALES_FIELDS.length);
	check(
		'switching to Sales Outreach shows its four fields (with an unresolvable Title expression)',
		JSON.stringify(fields) === JSON.stringify(SALES_FIELDS),
		fields,
	);
	const cutSales = await ed.truncatedTexts(ed.byTestId(page, 'mapping-fields-container'));
	check('no field label of Sales Outreach is cut off', cutSales.length === 0, cutSales);

	await ed.setExpression(page, 'first_name', 'value["first_name"]', '$json.first_name');
	// The editor hands a field's expression to the workflow a moment after typing stops; the autosave then stores
	// it. Waiting for the stored value is waiting for exactly that (the user sees "Saved").
	const stored = await waitForStoredValue(env.rest, 'hgUiStart0000001', (value) =>
		/\$json\.first_name/.test(value?.first_name ?? ''),
	);
	check('the workflow stores first_name as an expression', stored, 'not stored within 60 s');
	await ed.executeStep(page);
	const output = ed.byTestId(page, 'output-panel');
	await output.getByText('video_id').first().waitFor({ timeout: 120000 });
	const out = await output.innerText();
	check(
		'Execute step: Generate outputs the video ID, status pending and the contact',
		/\b[0-9a-f]{32}\b/.test(out) && out.includes('pending') && out.includes(CONTACT.company),
		out.slice(0, 400),
	);
	const sent = [...env.sandbox.videos.values()].pop();
	check(
		'HeyGen received first_name mapped from the contact',
		sent && JSON.stringify(sent.requestVariables || sent.variables).includes(CONTACT.first_name),
		sent && sent.requestVariables,
	);
	check(
		'an empty Title expression falls back to the default title',
		out.includes('Sales Outreach — Personal Intro #1'),
	);
	await shot(page, '03-generate-executed');
	await ed.closeNdv(page);
	const subtitle = await visibleText(ed.canvasNode(page, GENERATE));
	check(
		'canvas subtitle shows the template name',
		subtitle.includes('Sales Outreach — Personal Intro'),
		subtitle,
	);
}

module.exports = { generateSteps, GENERATE };
