/**
 * The parts of the app frame beside the roster column: the account sidebar, the main pane and the
 * dialog host. The roster's first frame draws only its rows (app.rowsOnly), so these are not in the
 * app's first chunk: they are one chunk of their own, imported when App.vue first renders them (the
 * task after that frame). Less code in the first chunk is a shorter background parse before the
 * first row (bench/RESULTS.md, first9 and first10).
 */
export { default as AccountSidebar } from '../components/accounts/AccountSidebar.vue';
export { default as DialogHost } from './DialogHost.vue';
export { default as MainPane } from './MainPane.vue';
