import { render } from 'preact';
import { App } from './app';
import { loadLang } from './i18n';
import './style.css';

loadLang();
render(<App />, document.getElementById('app')!);
