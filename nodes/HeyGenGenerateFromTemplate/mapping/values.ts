/**
 * Small helpers shared by the mapping files: the error every check raises, own-property access (variable
 * names such as `constructor`, `__proto__` or `toString` must never hit Object.prototype), value wording.
 */
export class VariableError extends Error {
	constructor(
		message: string,
		readonly variable?: string,
	) {
		super(message);
		this.name = 'VariableError';
	}
}

/** A string with something in it, else undefined: HeyGen sends "" and null alike for "no value". */
export function nonEmptyString(value: unknown): string | undefined {
	return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** True only for the object's own property, never an inherited one. */
export function hasOwn(object: object | undefined, key: string): boolean {
	return object !== undefined && Object.prototype.hasOwnProperty.call(object, key);
}

/** The object's own property value, never an inherited one. */
export function ownValue(object: object | undefined, key: string): unknown {
	return hasOwn(object, key) ? (object as Record<string, unknown>)[key] : undefined;
}

/** Sets an own property, also for `__proto__` (a plain assignment would replace the prototype instead). */
export function setOwn<T extends object>(object: T, key: string, value: unknown): T {
	Object.defineProperty(object, key, {
		value,
		enumerable: true,
		writable: true,
		configurable: true,
	});
	return object;
}

export function describe(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	if (typeof value === 'object') return 'an object';
	return `a ${typeof value}`;
}

export function isBlank(value: unknown): boolean {
	return (
		value === undefined || value === null || (typeof value === 'string' && value.trim() === '')
	);
}

export function truncate(value: string, max = 60): string {
	return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}

export function quoteList(names: string[]): string {
	return names.map((name) => `"${name}"`).join(', ');
}
