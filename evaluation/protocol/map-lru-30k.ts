/**
 * Control (bounded): key metadata in a hand-written Map LRU of 30,000 entries, refreshed on hit,
 * the oldest evicted past the cap. At the default load it fills about when the middle snapshot
 * is taken and stays full. Right answer: never `leak`; `no-leak` once the plateau is seen.
 */
import { serve } from '../servers/serve.js';
import { mapLru } from './map-lru.js';

serve(mapLru(30_000));
