import { render } from 'preact';
import './styles.css';

function App() {
  return <main><h1>Roster Console</h1></main>;
}

render(<App />, document.getElementById('app')!);
