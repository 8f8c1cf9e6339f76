export const CREDENTIAL_TYPE = 'heyGenTemplatesApi';

export const DEFAULT_BASE_URL = 'https://api.heygen.com';

/** HeyGen's two API families: v3, and the legacy v1/v2 routes some templates and videos exist only in. */
export type ApiFamily = 'v3' | 'legacy';
