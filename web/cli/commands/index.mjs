// Every CLI command, in the order --help lists them.
import info from './info.mjs';
import screen from './screen.mjs';
import { mark, detect, sdmark } from './mark.mjs';
import provenance from './provenance.mjs';
import ai from './ai.mjs';
import check from './check.mjs';
import { cues, redact } from './cues.mjs';
import scan from './scan.mjs';

export const commands = [info, screen, check, mark, detect, sdmark, provenance, ai, cues, redact, scan];
