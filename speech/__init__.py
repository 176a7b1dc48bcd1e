"""French normalisation of what the voice reads: prices, times, dates, phone numbers and
abbreviations become words before text-to-speech (`speech.normalise`)."""
