import { connectToHost } from './common/vscodeApi';

/**
 * Entry of the report page. Until the host sends a recording it shows that it is
 * waiting, then tells the host it is ready.
 */
function renderWaiting(container: HTMLElement): void {
  const message = document.createElement('p');
  message.className = 'gilscope-waiting';
  message.textContent = 'Waiting for data from gilscope…';
  container.replaceChildren(message);
}

const host = connectToHost();
renderWaiting(document.getElementById('root') ?? document.body);
host.postMessage({ type: 'ready' });
