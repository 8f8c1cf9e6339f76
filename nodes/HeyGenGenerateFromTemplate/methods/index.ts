/** What the editor calls while a user configures the node (UI time); never used by execute(). */
import { getBrandVoices, getCharacters, getFolders, getVoices } from './loadOptions';
import { searchTemplates } from './listSearch';
import { getTemplateVariables } from './resourceMapping';

export const listSearch = { searchTemplates };
export const loadOptions = { getVoices, getCharacters, getFolders, getBrandVoices };
export const resourceMapping = { getTemplateVariables };
