/** Every page of a workspace: its place in the navigation and its routes (suffix → page). */
import type { FunctionComponent } from 'preact';
import type { Schemas } from '../api/client';
import { Members } from './members';
import { Integrations, IntegrationPage } from './integrations';
import { Applications } from './applications';

export interface WorkspacePageProps { ws: string; params: Record<string, string>; me: Schemas['Me'] }

export const workspacePages: { slug: string; title: string; routes: [string, FunctionComponent<WorkspacePageProps>][] }[] = [
  { slug: 'members', title: 'Members', routes: [['', Members]] },
  { slug: 'applications', title: 'Applications', routes: [['', Applications]] },
  { slug: 'integrations', title: 'Integrations', routes: [['', Integrations], ['/:id', IntegrationPage]] },
];
