"""Class 11: retrospective and the end-to-end run of the whole course."""
