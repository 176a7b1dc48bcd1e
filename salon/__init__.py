"""What every part of the system shares: the salon profile and the settings."""
