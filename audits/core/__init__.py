"""The core every feature stands on: the store, the clock, configuration, keys, the trail and words."""
