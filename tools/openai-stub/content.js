'use strict';
/**
 * What the stub's answer says: a pure function of the prompt.
 *
 * ## Content convention (what the answer contains)
 * The stub reads the whole prompt (system/developer/user messages, `instructions`, `input`) and:
 *  1. **Requested keys**, first match wins:
 *     - a line `Keys: first_name, company, script` (also `JSON keys:`, `Return JSON with keys:`;
 *       separators `,` `;` or whitespace; quotes/backticks stripped);
 *     - else the `properties` of a JSON schema (`response_format.json_schema.schema` /
 *       `text.format.schema`);
 *     - else none.
 *  2. **Contact data**, merged from
 *     - `Label: value` lines (`Name: Ada Lovelace`, `First name: Ada`, `Company: Analytical Engines Ltd`,
 *       `Email: …`, `Title: …`); labels are normalised to snake_case;
 *     - JSON objects embedded in the prompt (`{"first_name":"Ada","company":"…"}`), nested ones flattened;
 *     - the phrase `for <Full Name> at <Company>` (e.g. "Write a personal video script for Ada Lovelace at
 *       Analytical Engines Ltd").
 *     Derived: `first_name`/`last_name` from `name`, `name` from first+last, `company` from
 *     `company_name`/`organization`/`organisation`/`employer`.
 *  3. **Answer**: with requested keys, or in JSON mode (json_object/json_schema), the content is a JSON
 *     object (one line, keys in requested order). Each key gets:
 *       - the contact value with the same normalised key (or a synonym, e.g. `firstname`, `company_name`);
 *       - for keys containing script/message/text/body/pitch/intro/greeting/content: the script
 *         `Hi <First>! I recorded this video just for you and the team at <Company>. …` (see makeScript);
 *       - else `<key> for <Full Name>`.
 *     Without keys and not in JSON mode the content is the plain script.
 * Everything is a pure function of the request, so answers are reproducible. `usage` counts ~4 chars/token.
 */
function normKey(k) {
	return String(k)
		.trim()
		.replace(/([a-z0-9])([A-Z])/g, '$1_$2')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '_')
		.replace(/^_+|_+$/g, '');
}

/** Flatten text out of OpenAI message contents (string | [{type:'text'|'input_text'|'output_text', text}]). */
function contentText(content) {
	if (content == null) return '';
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) return content.map(contentText).join('\n');
	if (typeof content === 'object') {
		if (typeof content.text === 'string') return content.text;
		if (content.content !== undefined) return contentText(content.content);
	}
	return '';
}

function parseRequestedKeys(prompt) {
	const re =
		/^[^\S\n]*(?:[-*>#]+[^\S\n]*)?(?:return\s+(?:a\s+)?json(?:\s+object)?\s+with\s+(?:the\s+)?keys|json\s+keys|output\s+keys|keys)\s*:\s*(.+)$/gim;
	const m = re.exec(prompt);
	if (!m) return null;
	const keys = m[1]
		.replace(/[.]+\s*$/, '')
		.split(/[,;\s]+/)
		.map((k) => k.replace(/^["'`{[(]+|["'`}\])]+$/g, '').trim())
		.filter((k) => /^[A-Za-z_][\w.-]*$/.test(k));
	return keys.length ? [...new Set(keys)] : null;
}

function schemaKeys(schema) {
	if (!schema || typeof schema !== 'object') return null;
	const props = schema.properties;
	if (props && typeof props === 'object' && Object.keys(props).length) return Object.keys(props);
	return null;
}

/** Extract balanced {...} substrings that parse as JSON objects. */
function embeddedJsonObjects(text) {
	const out = [];
	for (let i = 0; i < text.length; i++) {
		if (text[i] !== '{') continue;
		let depth = 0;
		let inStr = false;
		let esc = false;
		for (let j = i; j < text.length; j++) {
			const c = text[j];
			if (inStr) {
				if (esc) esc = false;
				else if (c === '\\') esc = true;
				else if (c === '"') inStr = false;
				continue;
			}
			if (c === '"') inStr = true;
			else if (c === '{') depth++;
			else if (c === '}' && --depth === 0) {
				try {
					const v = JSON.parse(text.slice(i, j + 1));
					if (v && typeof v === 'object' && !Array.isArray(v)) {
						out.push(v);
						i = j;
					}
				} catch {
					/* not JSON */
				}
				break;
			}
		}
	}
	return out;
}

function flatten(obj, into, depth = 0) {
	for (const [k, v] of Object.entries(obj)) {
		if (v == null) continue;
		if (typeof v === 'object' && !Array.isArray(v)) {
			if (depth < 3) flatten(v, into, depth + 1);
		} else if (typeof v !== 'object') {
			const key = normKey(k);
			if (key && into[key] === undefined) into[key] = String(v);
		}
	}
	return into;
}

const IGNORED_LABELS = new Set([
	'keys',
	'json_keys',
	'output_keys',
	'http',
	'https',
	'note',
	'important',
	'format',
]);

function parseContact(prompt) {
	const c = {};
	for (const obj of embeddedJsonObjects(prompt)) flatten(obj, c);
	for (const line of prompt.split('\n')) {
		const m = line.match(/^\s*(?:[-*>]+\s*)?([A-Za-z][A-Za-z0-9 _-]{0,40}?)\s*:\s*(\S.*?)\s*$/);
		if (!m) continue;
		const key = normKey(m[1]);
		if (!key || IGNORED_LABELS.has(key) || /^(return|write|use|respond|answer|output)/.test(key))
			continue;
		if (m[2].startsWith('{') || m[2].startsWith('[')) continue;
		if (c[key] === undefined) c[key] = m[2].replace(/^["']|["']$/g, '');
	}
	const phrase = prompt.match(
		/\bfor\s+((?:[A-Z][\p{L}'’-]+)(?:\s+[A-Z][\p{L}'’-]+){0,3})\s+(?:at|from|of)\s+([A-Z0-9][^\n.,;:!?"]*?)(?=\s*(?:[.,;:!?"\n]|$))/u,
	);
	if (phrase) {
		if (c.name === undefined && c.full_name === undefined) c.name = phrase[1];
		if (c.company === undefined) c.company = phrase[2].trim();
	}
	// Derivations
	if (c.name === undefined) c.name = c.full_name || c.contact_name || c.contact;
	if (c.company === undefined)
		c.company = c.company_name || c.organization || c.organisation || c.employer || c.account;
	if (c.first_name === undefined)
		c.first_name = c.firstname || c.given_name || (c.name ? c.name.split(/\s+/)[0] : undefined);
	if (c.last_name === undefined) {
		c.last_name =
			c.lastname ||
			c.surname ||
			c.family_name ||
			(c.name && c.name.includes(' ') ? c.name.split(/\s+/).slice(1).join(' ') : undefined);
	}
	if (c.name === undefined && c.first_name)
		c.name = [c.first_name, c.last_name].filter(Boolean).join(' ');
	for (const k of Object.keys(c)) if (c[k] === undefined) delete c[k];
	return c;
}

const SYNONYMS = {
	first_name: ['firstname', 'given_name', 'first'],
	last_name: ['lastname', 'surname', 'family_name', 'last'],
	name: ['full_name', 'contact_name', 'fullname'],
	full_name: ['name', 'contact_name'],
	company: ['company_name', 'organization', 'organisation', 'employer', 'account'],
	company_name: ['company'],
	organization: ['company'],
	email: ['email_address', 'mail'],
	title: ['job_title', 'role', 'position'],
	job_title: ['title', 'role', 'position'],
	role: ['title', 'job_title'],
};

function makeScript(c) {
	const first = c.first_name || c.name || 'there';
	const company = c.company || 'your team';
	return (
		`Hi ${first}! I recorded this video just for you and the team at ${company}. ` +
		`I'd love to show you how personalised video can help ${company} connect with every customer. ` +
		`Talk soon!`
	);
}

function valueFor(key, c) {
	const k = normKey(key);
	if (c[k] !== undefined) return c[k];
	for (const s of SYNONYMS[k] || []) if (c[s] !== undefined) return c[s];
	if (/script|message|text|body|pitch|intro|greeting|content|speech|voiceover/.test(k))
		return makeScript(c);
	if (/first/.test(k) && c.first_name) return c.first_name;
	if (/company|org|business/.test(k) && c.company) return c.company;
	if (/name/.test(k) && c.name) return c.name;
	return `${key} for ${c.name || 'the contact'}`;
}

/**
 * @param {{ prompt: string, jsonMode: boolean, schema?: object }} p
 * @returns {{ content: string, keys: string[]|null, contact: object }}
 */
function generate({ prompt, jsonMode, schema }) {
	const contact = parseContact(prompt);
	let keys = parseRequestedKeys(prompt) || schemaKeys(schema);
	if (!keys && jsonMode) keys = ['first_name', 'company', 'script'];
	if (!keys) return { content: makeScript(contact), keys: null, contact };
	const obj = {};
	for (const k of keys) obj[k] = valueFor(k, contact);
	return { content: JSON.stringify(obj), keys, contact };
}

/**
 * Whether a format type asks for JSON, and whether it is json_object without the word "json" in the prompt
 * (which OpenAI refuses).
 */
function jsonFormat(type, prompt) {
	return {
		jsonMode: type === 'json_object' || type === 'json_schema',
		lacksJsonWord: type === 'json_object' && !/json/i.test(prompt),
	};
}

module.exports = {
	generate,
	parseContact,
	parseRequestedKeys,
	makeScript,
	contentText,
	jsonFormat,
};
