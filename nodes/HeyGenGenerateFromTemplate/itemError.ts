/** A failure that belongs to one item: its message starts with the item number. */
export class ItemError extends Error {
	constructor(
		message: string,
		readonly description?: string,
	) {
		super(message);
	}
}
