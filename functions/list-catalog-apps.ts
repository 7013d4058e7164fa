import { httpHandler } from '../shared/http/handler.js';
import { ok } from '../shared/http/responses.js';
import { listCatalog } from '../shared/domain/apps.js';

export const handler = httpHandler('listCatalogApps', async () => ok({ items: [...listCatalog()], nextCursor: null }));
