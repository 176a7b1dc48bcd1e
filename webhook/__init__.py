"""The HTTP face for Twilio: signature check, agent dispatch, TwiML, status callbacks."""
