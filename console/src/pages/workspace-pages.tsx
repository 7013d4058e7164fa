/** Every page of a workspace: its place in the navigation and its routes (suffix → page). */
import type { FunctionComponent } from 'preact';
import type { Schemas } from '../api/client';
import { Members } from './members';
import { Roles } from './roles';
import { Integrations, IntegrationPage } from './integrations';
import { Applications } from './applications';
import { Marketplace } from './marketplace';
import { MyApp, MyApps } from './my-apps';
import { Subscription } from './subscription';
import { AuditLog } from './audit';

export interface WorkspacePageProps { ws: string; params: Record<string, string>; me: Schemas['Me'] }

export const workspacePages: { slug: string; title: string; routes: [string, FunctionComponent<WorkspacePageProps>][] }[] = [
  { slug: 'members', title: 'Members', routes: [['', Members]] },
  { slug: 'roles', title: 'Roles', routes: [['', Roles]] },
  { slug: 'integrations', title: 'Integrations', routes: [['', Integrations], ['/:id', IntegrationPage]] },
  { slug: 'applications', title: 'Applications', routes: [['', Applications]] },
  { slug: 'marketplace', title: 'Marketplace', routes: [['', Marketplace]] },
  { slug: 'my-apps', title: 'My apps', routes: [['', MyApps], ['/:app', MyApp]] },
  { slug: 'subscription', title: 'Subscription', routes: [['', Subscription]] },
  { slug: 'audit', title: 'Audit log', routes: [['', AuditLog]] },
];
