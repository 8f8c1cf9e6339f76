export const CREDENTIAL_TYPE = 'heyGenTemplatesApi';

export const DEFAULT_BASE_URL = 'https://api.heygen.com';

/** Everything this package sends to HeyGen identifies itself, so HeyGen support can tell it apart. */
export const USER_AGENT = 'n8n-nodes-heygen-templates';
