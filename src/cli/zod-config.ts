// Imported first by the CLI: zod compiles a fast parser (new Function) per object schema on its first use, which
// pays off over thousands of parses in a long-lived process, not in a CLI that validates one playbook (there the
// compiles are start-up time and nothing else). Must run before any schema is built, as zod reads it then.
import { z } from 'zod';

z.config({ jitless: true });
