// Plain piscina, one task per item: the Node pools' default (piscina, tinypool, workerpool).
import { addOne, spin } from './tasks.mjs';

export default function run({ fn, item }) {
  return fn === 'spin' ? spin(item) : addOne(item);
}
