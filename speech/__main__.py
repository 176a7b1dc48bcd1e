"""`python -m speech`: print each line of standard input as the voice will read it."""

from speech.normalise import main

raise SystemExit(main())
