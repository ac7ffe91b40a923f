"""Jobs, the four-times-a-day schedule and the new-raw-files sensor."""
