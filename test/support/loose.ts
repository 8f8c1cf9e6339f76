/** JSON from the plain-JS sandbox and engine harness, which carry no types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any;
