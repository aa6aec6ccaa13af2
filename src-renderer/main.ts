/** Renderer entry: connects to the back end once, then mounts the Vue app with Pinia. */
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { connectToBackend, setApi } from './bridge/api';

setApi(connectToBackend());
createApp(App).use(createPinia()).mount('#app');
