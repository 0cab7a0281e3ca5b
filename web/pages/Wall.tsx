/** The wall display (`/wall`): an unattended TV mode. Placeholder until the wall components land. */
export default function Wall() {
  return <main aria-label="Wanddisplay">Wanddisplay wird geladen …</main>;
}
