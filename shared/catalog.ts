/**
 * The marketplace catalog (seed 004): configured data, shipped with the service and
 * served by `GET /apps`. An app's `permissions` are what the installer and every
 * added user accept when they authorize it; `allowsUserSelection: false` marks apps
 * whose developer does not let an administrator pick specific users (seed 004: "some
 * apps may not allow selecting a specific user").
 */
export interface CatalogApp {
  id: string;
  name: string;
  developer: string;
  permissions: string[];
  allowsUserSelection: boolean;
}

export const catalog: readonly CatalogApp[] = [
  {
    id: 'mailbridge',
    name: 'MailBridge',
    developer: 'Northwind Labs',
    permissions: ['Read your contacts', 'Send email on your behalf', 'Read the members of your workspace'],
    allowsUserSelection: true,
  },
  {
    id: 'meetsync',
    name: 'MeetSync',
    developer: 'Contoso Scheduling',
    permissions: ['Read your calendar', 'Create activities', 'Update deals'],
    allowsUserSelection: true,
  },
  {
    id: 'ledgerlink',
    name: 'LedgerLink',
    developer: 'Fabrikam Finance',
    permissions: ['Read deals and products', 'Create invoices'],
    allowsUserSelection: false,
  },
  {
    id: 'chatpulse',
    name: 'ChatPulse',
    developer: 'Tailspin Messaging',
    permissions: ['Read activities', 'Post notifications to your chat channels'],
    allowsUserSelection: true,
  },
];

export const catalogApp = (appId: string): CatalogApp | undefined => catalog.find((a) => a.id === appId);
