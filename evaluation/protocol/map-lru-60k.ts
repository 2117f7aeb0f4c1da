/**
 * Control (bounded): the same hand-written Map LRU with a cap of 60,000 entries: it fills only
 * after ~30 s of the default load, later than the planned window. Right answer: never `leak`.
 */
import { serve } from '../servers/serve.js';
import { mapLru } from './map-lru.js';

serve(mapLru(60_000));
