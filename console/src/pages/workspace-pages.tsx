/** Every page of a workspace: its place in the navigation and its routes (suffix → page). */
import type { FunctionComponent } from 'preact';
import type { Schemas } from '../api/client';
import { Members } from './members';

export interface WorkspacePageProps { ws: string; params: Record<string, string>; me: Schemas['Me'] }

export const workspacePages: { slug: string; title: string; routes: [string, FunctionComponent<WorkspacePageProps>][] }[] = [
  { slug: 'members', title: 'Members', routes: [['', Members]] },
];
