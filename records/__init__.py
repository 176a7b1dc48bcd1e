"""What calls leave behind: call records, transcripts, knowledge gaps, messages taken,
transfer requests, and the end-of-call e-mail. No LiveKit dependency."""
