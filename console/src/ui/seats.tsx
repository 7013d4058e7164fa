/** Seats used of the licence count, as a bar (a <meter>: no inline style under the CSP). */
import type { Schemas } from '../api/client';

export function Seats({ seats }: { seats: Schemas['Workspace']['seats'] }) {
  return (
    <p class="seats">
      <label for="seats">Seats used: {seats.used} of {seats.limit}</label>
      <meter id="seats" min={0} max={Math.max(seats.limit, seats.used)} value={seats.used} high={seats.limit} optimum={0}>{seats.used} of {seats.limit}</meter>
    </p>
  );
}
