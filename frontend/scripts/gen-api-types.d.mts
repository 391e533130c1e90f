/** Generates the text of src/api/schema.gen.ts from an OpenAPI document. */
export function generate(doc: unknown): string;
/** The TypeScript type of one JSON schema. */
export function tsType(schema: unknown, ind?: string): string;
