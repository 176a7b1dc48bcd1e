"""Turning the salon's files (and its crawled website) into clean, structured chunks."""
