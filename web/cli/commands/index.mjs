// Every CLI command, in the order --help lists them.
import info from './info.mjs';

export const commands = [info];
