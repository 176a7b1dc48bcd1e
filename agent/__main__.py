"""`python -m agent start|dev|console|download-files`: the LiveKit worker's CLI."""

from agent.worker import main

main()
