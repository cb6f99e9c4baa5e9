// Every CLI command, in the order --help lists them.
import info from './info.mjs';
import screen from './screen.mjs';

export const commands = [info, screen];
